//-----------------------------------------------------------------------------
//
//                   ** WARNING! ** 
//    This file was generated automatically by a tool.
//    Re-running the tool will overwrite this file.
//    You should copy this file to a custom location
//    before adding any customization in the copy to
//    prevent loss of your changes when the tool is
//    re-run.
//
//-----------------------------------------------------------------------------

#ifndef QRNG_SHA256_NATIVE_QRNG_SHA256_NATIVE_QRNG_NATIVE_FRAMEKERNELNATIVE_H
#define QRNG_SHA256_NATIVE_QRNG_SHA256_NATIVE_QRNG_NATIVE_FRAMEKERNELNATIVE_H

namespace Qrng_Sha256_Native
{
    namespace Qrng_Sha256_Native
    {
        struct FrameKernelNative
        {
            // Helper Functions to access fields of managed object
            // Declaration of stubs. These functions are implemented by Interop code developers

            static void Scan( CLR_RT_TypedArray_UINT16 param0, CLR_RT_TypedArray_UINT16 param1, signed int param2, CLR_RT_TypedArray_UINT8 param3, CLR_RT_TypedArray_UINT8 param4, CLR_RT_TypedArray_INT32 param5, signed int param6, signed int param7, CLR_RT_TypedArray_INT64 param8, CLR_RT_TypedArray_INT32 param9, CLR_RT_TypedArray_UINT32 param10, CLR_RT_TypedArray_UINT32 param11, signed int param12, signed int param13, CLR_RT_TypedArray_INT64 param14, HRESULT &hr );

            static signed int Symbols( CLR_RT_TypedArray_UINT16 param0, signed int param1, signed int param2, CLR_RT_TypedArray_UINT8 param3, CLR_RT_TypedArray_UINT8 param4, CLR_RT_TypedArray_UINT16 param5, signed int param6, signed int param7, signed int param8, CLR_RT_TypedArray_UINT8 param9, CLR_RT_TypedArray_INT32 param10, HRESULT &hr );

        };
    }
}

#endif // QRNG_SHA256_NATIVE_QRNG_SHA256_NATIVE_QRNG_NATIVE_FRAMEKERNELNATIVE_H

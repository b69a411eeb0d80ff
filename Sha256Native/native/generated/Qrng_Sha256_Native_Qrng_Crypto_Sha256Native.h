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

#ifndef QRNG_SHA256_NATIVE_QRNG_SHA256_NATIVE_QRNG_CRYPTO_SHA256NATIVE_H
#define QRNG_SHA256_NATIVE_QRNG_SHA256_NATIVE_QRNG_CRYPTO_SHA256NATIVE_H

namespace Qrng_Sha256_Native
{
    namespace Qrng_Sha256_Native
    {
        struct Sha256Native
        {
            // Helper Functions to access fields of managed object
            // Declaration of stubs. These functions are implemented by Interop code developers

            static void Hashgen( CLR_RT_TypedArray_UINT8 param0, CLR_RT_TypedArray_UINT8 param1, signed int param2, signed int param3, HRESULT &hr );

            static void Hash( signed int param0, CLR_RT_TypedArray_UINT8 param1, signed int param2, CLR_RT_TypedArray_UINT8 param3, signed int param4, CLR_RT_TypedArray_UINT8 param5, signed int param6, HRESULT &hr );

            static void HashDf( signed int param0, CLR_RT_TypedArray_UINT8 param1, signed int param2, CLR_RT_TypedArray_UINT8 param3, signed int param4, CLR_RT_TypedArray_UINT8 param5, signed int param6, CLR_RT_TypedArray_UINT8 param7, HRESULT &hr );

            static signed int Crc32( CLR_RT_TypedArray_UINT8 param0, signed int param1, signed int param2, HRESULT &hr );

        };
    }
}

#endif // QRNG_SHA256_NATIVE_QRNG_SHA256_NATIVE_QRNG_CRYPTO_SHA256NATIVE_H

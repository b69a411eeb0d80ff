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

#include "Qrng_Sha256_Native.h"
#include "Qrng_Sha256_Native_Qrng_Native_FrameKernelNative.h"

using namespace Qrng_Sha256_Native::Qrng_Sha256_Native;


void FrameKernelNative::Scan( CLR_RT_TypedArray_UINT16 param0, CLR_RT_TypedArray_UINT16 param1, signed int param2, CLR_RT_TypedArray_UINT8 param3, CLR_RT_TypedArray_UINT8 param4, CLR_RT_TypedArray_INT32 param5, signed int param6, signed int param7, CLR_RT_TypedArray_INT64 param8, CLR_RT_TypedArray_INT32 param9, CLR_RT_TypedArray_UINT32 param10, CLR_RT_TypedArray_UINT32 param11, signed int param12, signed int param13, CLR_RT_TypedArray_INT64 param14, HRESULT &hr )
{

    (void)param0;
    (void)param1;
    (void)param2;
    (void)param3;
    (void)param4;
    (void)param5;
    (void)param6;
    (void)param7;
    (void)param8;
    (void)param9;
    (void)param10;
    (void)param11;
    (void)param12;
    (void)param13;
    (void)param14;
    (void)hr;


    ////////////////////////////////
    // implementation starts here //


    // implementation ends here   //
    ////////////////////////////////


}

signed int FrameKernelNative::Symbols( CLR_RT_TypedArray_UINT16 param0, signed int param1, signed int param2, CLR_RT_TypedArray_UINT8 param3, CLR_RT_TypedArray_UINT8 param4, CLR_RT_TypedArray_UINT16 param5, signed int param6, signed int param7, signed int param8, CLR_RT_TypedArray_UINT8 param9, CLR_RT_TypedArray_INT32 param10, HRESULT &hr )
{

    (void)param0;
    (void)param1;
    (void)param2;
    (void)param3;
    (void)param4;
    (void)param5;
    (void)param6;
    (void)param7;
    (void)param8;
    (void)param9;
    (void)param10;
    (void)hr;
    signed int retValue = 0;

    ////////////////////////////////
    // implementation starts here //


    // implementation ends here   //
    ////////////////////////////////

    return retValue;
}

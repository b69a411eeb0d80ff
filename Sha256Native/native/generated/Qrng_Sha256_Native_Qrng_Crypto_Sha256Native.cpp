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
#include "Qrng_Sha256_Native_Qrng_Crypto_Sha256Native.h"

using namespace Qrng_Sha256_Native::Qrng_Sha256_Native;


void Sha256Native::Hashgen( CLR_RT_TypedArray_UINT8 param0, CLR_RT_TypedArray_UINT8 param1, signed int param2, signed int param3, HRESULT &hr )
{

    (void)param0;
    (void)param1;
    (void)param2;
    (void)param3;
    (void)hr;


    ////////////////////////////////
    // implementation starts here //


    // implementation ends here   //
    ////////////////////////////////


}

void Sha256Native::Hash( signed int param0, CLR_RT_TypedArray_UINT8 param1, signed int param2, CLR_RT_TypedArray_UINT8 param3, signed int param4, CLR_RT_TypedArray_UINT8 param5, signed int param6, HRESULT &hr )
{

    (void)param0;
    (void)param1;
    (void)param2;
    (void)param3;
    (void)param4;
    (void)param5;
    (void)param6;
    (void)hr;


    ////////////////////////////////
    // implementation starts here //


    // implementation ends here   //
    ////////////////////////////////


}

void Sha256Native::HashDf( signed int param0, CLR_RT_TypedArray_UINT8 param1, signed int param2, CLR_RT_TypedArray_UINT8 param3, signed int param4, CLR_RT_TypedArray_UINT8 param5, signed int param6, CLR_RT_TypedArray_UINT8 param7, HRESULT &hr )
{

    (void)param0;
    (void)param1;
    (void)param2;
    (void)param3;
    (void)param4;
    (void)param5;
    (void)param6;
    (void)param7;
    (void)hr;


    ////////////////////////////////
    // implementation starts here //


    // implementation ends here   //
    ////////////////////////////////


}

signed int Sha256Native::Crc32( CLR_RT_TypedArray_UINT8 param0, signed int param1, signed int param2, HRESULT &hr )
{

    (void)param0;
    (void)param1;
    (void)param2;
    (void)hr;
    signed int retValue = 0;

    ////////////////////////////////
    // implementation starts here //


    // implementation ends here   //
    ////////////////////////////////

    return retValue;
}

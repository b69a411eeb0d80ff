//
// The native methods of Qrng.Native.FrameKernelNative (docs/frame-kernel.md): this file replaces the generated user stub
// generated/Qrng_Sha256_Native_Qrng_Native_FrameKernelNative.cpp, which no build compiles. Lengths come from managed
// code and are checked against the arrays here before qrng_frame.c touches them: a bad one raises
// ArgumentOutOfRangeException (CLR_E_OUT_OF_RANGE) and nothing is written.
//
#include "Qrng_Sha256_Native.h"
#include "Qrng_Sha256_Native_Qrng_Native_FrameKernelNative.h"
#include "qrng_frame.h"

using namespace Qrng_Sha256_Native::Qrng_Sha256_Native;

namespace
{
    template <typename T> bool Holds(T &array, signed int count)
    {
        return count >= 0 && (unsigned int)count <= array.GetSize();
    }
} // namespace

void FrameKernelNative::Scan(
    CLR_RT_TypedArray_UINT16 frame,
    CLR_RT_TypedArray_UINT16 previous,
    signed int paired,
    CLR_RT_TypedArray_UINT8 masked,
    CLR_RT_TypedArray_UINT8 outOfRange,
    CLR_RT_TypedArray_INT32 partEnd,
    signed int tMinus,
    signed int tPlus,
    CLR_RT_TypedArray_INT64 partSums,
    CLR_RT_TypedArray_INT32 partPixels,
    CLR_RT_TypedArray_UINT32 ring1,
    CLR_RT_TypedArray_UINT32 ring2,
    signed int held,
    signed int next,
    CLR_RT_TypedArray_INT64 results,
    HRESULT &hr)
{
    int parts = (int)partEnd.GetSize(), capacity = (int)ring1.GetSize();
    if (parts < 1 || !Holds(partSums, parts) || !Holds(partPixels, parts) || !Holds(results, QRNG_SCAN_RESULTS) ||
        capacity < 1 || ring2.GetSize() != ring1.GetSize() || !Holds(ring1, held) || next < 0 || next >= capacity)
    {
        hr = CLR_E_OUT_OF_RANGE;
        return;
    }

    // the bands must run forward inside every per-pixel array
    const int32_t *ends = (const int32_t *)partEnd.GetBuffer();
    int32_t last = 0;
    for (int p = 0; p < parts; p++)
    {
        if (ends[p] < last)
        {
            hr = CLR_E_OUT_OF_RANGE;
            return;
        }

        last = ends[p];
    }

    if (!Holds(frame, last) || !Holds(masked, last) || !Holds(outOfRange, last) || (paired != 0 && !Holds(previous, last)))
    {
        hr = CLR_E_OUT_OF_RANGE;
        return;
    }

    qrng_frame_scan(
        frame.GetBuffer(),
        paired != 0 ? previous.GetBuffer() : (const uint16_t *)0,
        paired != 0,
        masked.GetBuffer(),
        outOfRange.GetBuffer(),
        ends,
        parts,
        tMinus,
        tPlus,
        (int64_t *)partSums.GetBuffer(),
        (int32_t *)partPixels.GetBuffer(),
        (const uint32_t *)ring1.GetBuffer(),
        (const uint32_t *)ring2.GetBuffer(),
        capacity,
        held,
        next,
        (int64_t *)results.GetBuffer());
}

signed int FrameKernelNative::Symbols(
    CLR_RT_TypedArray_UINT16 frame,
    signed int pixels,
    signed int startup,
    CLR_RT_TypedArray_UINT8 masked,
    CLR_RT_TypedArray_UINT8 repeat,
    CLR_RT_TypedArray_UINT16 lastGood,
    signed int repeatLimit,
    signed int tMinus,
    signed int tPlus,
    CLR_RT_TypedArray_UINT8 pool,
    CLR_RT_TypedArray_INT32 state,
    HRESULT &hr)
{
    if (!Holds(frame, pixels) || !Holds(masked, pixels) || !Holds(repeat, pixels) || !Holds(lastGood, pixels) ||
        !Holds(state, QRNG_SYM_STATE))
    {
        hr = CLR_E_OUT_OF_RANGE;
        return 0;
    }

    int32_t *s = (int32_t *)state.GetBuffer();
    int64_t capacity = 4 * (int64_t)pool.GetSize();
    // the counters index the pool and the tests need their constants: refuse what the managed code never holds
    if (s[QRNG_SYM_RCT_CUTOFF] < 2 || s[QRNG_SYM_APT_WINDOW] < 2 || s[QRNG_SYM_APT_CUTOFF] < 2 ||
        s[QRNG_SYM_POOL_SYMBOLS] < 0 || s[QRNG_SYM_POOL_SYMBOLS] > capacity)
    {
        hr = CLR_E_OUT_OF_RANGE;
        return 0;
    }

    return qrng_frame_symbols(
        frame.GetBuffer(),
        pixels,
        startup,
        masked.GetBuffer(),
        repeat.GetBuffer(),
        lastGood.GetBuffer(),
        repeatLimit,
        tMinus,
        tPlus,
        pool.GetBuffer(),
        (int)pool.GetSize(),
        s);
}

// The per-pixel work of one frame (docs/frame-kernel.md), in portable C: the Linux nanoCLR and the ESP32 image compile
// the same file. It reproduces the managed reference loops exactly (Firmware/Pipeline/FrameChecks.Scan and
// SymbolTests.Run, with RepetitionCountTest, AdaptiveProportionTest, StartupTest and EntropyPool.Add): same order,
// same integer widths, same early returns. No allocation, no global state: everything lives in the caller's arrays.
#ifndef QRNG_FRAME_H
#define QRNG_FRAME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C"
{
#endif

// results of qrng_frame_scan, in this order (the managed long[] results)
enum
{
    QRNG_SCAN_LOW = 0,
    QRNG_SCAN_HIGH,
    QRNG_SCAN_USED,
    QRNG_SCAN_SUM,
    QRNG_SCAN_PAIRS,
    QRNG_SCAN_SUM_D,
    QRNG_SCAN_SUM_D2,
    QRNG_SCAN_SUM_Z,
    QRNG_SCAN_H1,
    QRNG_SCAN_H2,
    QRNG_SCAN_REPLAY, // frames back the fingerprint is in the rings, 0 if not
    QRNG_SCAN_RESULTS
};

// the symbol pass's state (the managed int[] state): constants, the continuous and start-up tests, the pool's counters
enum
{
    QRNG_SYM_RCT_CUTOFF = 0,
    QRNG_SYM_APT_WINDOW,
    QRNG_SYM_APT_CUTOFF,
    QRNG_SYM_MIN_SYMBOLS,
    QRNG_SYM_RCT,            // 4 ints: last, run, failures, longest run (continuous test)
    QRNG_SYM_APT = 8,        // 5 ints: position, first, count, failures, largest count (continuous test)
    QRNG_SYM_S_RCT = 13,     // the start-up test's RCT
    QRNG_SYM_S_APT = 17,     // the start-up test's APT
    QRNG_SYM_S_FED = 22,
    QRNG_SYM_S_FAILED,
    QRNG_SYM_POOL_SYMBOLS,   // EntropyPool: symbols, APT-passed, noise-passed, dither-passed, committed
    QRNG_SYM_POOL_APT,
    QRNG_SYM_POOL_NOISE,
    QRNG_SYM_POOL_DITHER,
    QRNG_SYM_POOL_COMMITTED,
    QRNG_SYM_DETAIL,         // out: the failure's detail
    QRNG_SYM_STARTUP_PASSED, // out: 1 when the start-up test completed in this frame
    QRNG_SYM_STATE
};

// return values of qrng_frame_symbols
enum
{
    QRNG_SYM_OK = 0,
    QRNG_SYM_STUCK = 1, // detail: the pixel (the caller masks it)
    QRNG_SYM_RCT_FAIL = 2,
    QRNG_SYM_APT_FAIL = 3
};

// FrameChecks.Scan: T±/N± counts, the light mean's sum, the fingerprint and its distance in the rings of the last
// fingerprints (ReplayDetector: held entries, the newest at next - 1, capacity entries each; only read), the shot-noise
// sums against the previous frame (when paired), the row bands' sums; updates out_of_range. part_end[parts - 1]
// pixels are scanned.
void qrng_frame_scan(
    const uint16_t *frame,
    const uint16_t *previous,
    int paired,
    const uint8_t *masked,
    uint8_t *out_of_range,
    const int32_t *part_end,
    int parts,
    int t_minus,
    int t_plus,
    int64_t *part_sums,
    int32_t *part_pixels,
    const uint32_t *ring1,
    const uint32_t *ring2,
    int capacity,
    int held,
    int next,
    int64_t results[QRNG_SCAN_RESULTS]);

// SymbolTests.Run over pixels [0, pixels): stuck runs, bits 2-3, the start-up or the continuous tests, staging in the
// pool (pool_length bytes). Returns QRNG_SYM_OK or the failure; state is read and written.
int qrng_frame_symbols(
    const uint16_t *frame,
    int pixels,
    int startup,
    const uint8_t *masked,
    uint8_t *repeat,
    uint16_t *last_good,
    int repeat_limit,
    int t_minus,
    int t_plus,
    uint8_t *pool,
    int pool_length,
    int32_t state[QRNG_SYM_STATE]);

#ifdef __cplusplus
}
#endif

#endif // QRNG_FRAME_H

// The per-pixel work of one frame in portable C (qrng_frame.h). Each function mirrors its managed reference line for
// line; the differential device tests (Firmware.Tests/FrameKernelTests.cs) hold them equal.
#include "qrng_frame.h"

#include <string.h>

// int64 stores through memcpy: a managed long[]'s data need not be 8-byte aligned (Xtensa has no unaligned access)
static void store64(int64_t *target, int64_t value)
{
    memcpy(target, &value, sizeof value);
}

// SP 800-90B §4.4.1 (RepetitionCountTest.Feed): t = last, run, failures, longest run. 0 on a failure.
static int rct_feed(int32_t *t, int cutoff, int symbol)
{
    if (t[1] > 0 && symbol == t[0])
    {
        t[1]++;
    }
    else
    {
        t[0] = symbol;
        t[1] = 1;
    }

    if (t[1] > t[3])
    {
        t[3] = t[1];
    }

    if (t[1] >= cutoff)
    {
        t[2]++;
        return 0;
    }

    return 1;
}

// SP 800-90B §4.4.2 (AdaptiveProportionTest.Feed): t = position, first, count, failures, largest count.
static int apt_feed(int32_t *t, int window, int cutoff, int symbol)
{
    if (t[0] == 0)
    {
        t[1] = symbol;
        t[2] = 1;
    }
    else if (symbol == t[1])
    {
        t[2]++;
    }

    if (++t[0] == window)
    {
        t[0] = 0;
    }

    if (t[2] > t[4])
    {
        t[4] = t[2];
    }

    if (t[2] >= cutoff)
    {
        t[3]++;
        return 0;
    }

    return 1;
}

static void clear(int32_t *t, int n)
{
    for (int k = 0; k < n; k++)
    {
        t[k] = 0;
    }
}

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
    int64_t results[QRNG_SCAN_RESULTS])
{
    int32_t low = 0, high = 0, used = 0, pairs = 0;
    int64_t sum = 0, sum_d = 0, sum_d2 = 0, sum_z = 0;
    uint32_t h1 = 2166136261u, h2 = 0x9747B28Cu; // ReplayDetector.Seed1, Seed2
    int i = 0;
    for (int part = 0; part < parts; part++)
    {
        int64_t part_start = sum;
        int32_t used_start = used;
        for (int end = part_end[part]; i < end; i++)
        {
            int z = frame[i];
            h1 = (h1 ^ (uint32_t)z) * 16777619u;                 // FNV-1a
            h2 = (h2 ^ ((uint32_t)z * 0xCC9E2D51u)) * 0x1B873593u; // the second mix
            h2 = (h2 << 13) | (h2 >> 19);
            if (masked[i])
            {
                continue;
            }

            used++;
            sum += z;
            if (z < t_minus || z > t_plus)
            {
                if (z < t_minus)
                {
                    low++;
                }
                else
                {
                    high++;
                }

                if (out_of_range[i] < 255)
                {
                    out_of_range[i]++;
                }

                continue;
            }

            out_of_range[i] = 0;
            if (paired)
            {
                int p = previous[i];
                if (p >= t_minus && p <= t_plus)
                {
                    int d = z - p;
                    sum_d += d;
                    sum_d2 += d * d;
                    sum_z += z + p;
                    pairs++;
                }
            }
        }

        store64(part_sums + part, sum - part_start);
        part_pixels[part] = used - used_start;
    }

    store64(results + QRNG_SCAN_LOW, low);
    store64(results + QRNG_SCAN_HIGH, high);
    store64(results + QRNG_SCAN_USED, used);
    store64(results + QRNG_SCAN_SUM, sum);
    store64(results + QRNG_SCAN_PAIRS, pairs);
    store64(results + QRNG_SCAN_SUM_D, sum_d);
    store64(results + QRNG_SCAN_SUM_D2, sum_d2);
    store64(results + QRNG_SCAN_SUM_Z, sum_z);
    store64(results + QRNG_SCAN_H1, h1);
    store64(results + QRNG_SCAN_H2, h2);

    // ReplayDetector.Find: the newest match among the fingerprints held
    int distance = 0;
    for (int k = 1; k <= held; k++)
    {
        int j = next - k;
        if (j < 0)
        {
            j += capacity;
        }

        if (ring1[j] == h1 && ring2[j] == h2)
        {
            distance = k;
            break;
        }
    }

    store64(results + QRNG_SCAN_REPLAY, distance);
}

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
    int32_t s[QRNG_SYM_STATE])
{
    const int rct_cutoff = s[QRNG_SYM_RCT_CUTOFF], window = s[QRNG_SYM_APT_WINDOW], apt_cutoff = s[QRNG_SYM_APT_CUTOFF];
    const int32_t capacity = 4 * pool_length;
    s[QRNG_SYM_STARTUP_PASSED] = 0;
    for (int i = 0; i < pixels; i++)
    {
        if (masked[i])
        {
            continue;
        }

        // stuck pixels (PixelWatch): runs of one raw value over frames that passed the frame checks
        int z = frame[i];
        if (z == last_good[i])
        {
            if (repeat[i] < 255)
            {
                repeat[i]++;
            }
        }
        else
        {
            repeat[i] = 0;
            last_good[i] = (uint16_t)z;
        }

        if (repeat[i] >= repeat_limit)
        {
            s[QRNG_SYM_DETAIL] = i;
            return QRNG_SYM_STUCK;
        }

        int symbol = (z >> 2) & 3; // paper: bits 2-3 of the 10-bit value
        if (startup)
        {
            // SP 800-90B §4.3 (StartupTest.Feed): both tests, then the count; a failure sticks
            int rct_ok = rct_feed(s + QRNG_SYM_S_RCT, rct_cutoff, symbol);
            int apt_ok = apt_feed(s + QRNG_SYM_S_APT, window, apt_cutoff, symbol);
            if (s[QRNG_SYM_S_FED] < INT32_MAX)
            {
                s[QRNG_SYM_S_FED]++;
            }

            if (!rct_ok || !apt_ok)
            {
                s[QRNG_SYM_S_FAILED] = 1;
            }

            if (s[QRNG_SYM_S_FAILED])
            {
                int rct = s[QRNG_SYM_S_RCT + 2] > 0;
                s[QRNG_SYM_DETAIL] = rct ? s[QRNG_SYM_S_RCT + 3] : s[QRNG_SYM_S_APT + 4];
                return rct ? QRNG_SYM_RCT_FAIL : QRNG_SYM_APT_FAIL;
            }

            if (s[QRNG_SYM_S_FED] >= s[QRNG_SYM_MIN_SYMBOLS] && s[QRNG_SYM_S_APT] == 0)
            {
                // the start-up test passed; the continuous tests start afresh on the next symbol
                startup = 0;
                s[QRNG_SYM_STARTUP_PASSED] = 1;
                clear(s + QRNG_SYM_RCT, 4);
                clear(s + QRNG_SYM_APT, 5);
            }

            continue;
        }

        if (!rct_feed(s + QRNG_SYM_RCT, rct_cutoff, symbol))
        {
            s[QRNG_SYM_DETAIL] = rct_cutoff;
            return QRNG_SYM_RCT_FAIL;
        }

        if (!apt_feed(s + QRNG_SYM_APT, window, apt_cutoff, symbol))
        {
            s[QRNG_SYM_DETAIL] = apt_cutoff;
            return QRNG_SYM_APT_FAIL;
        }

        // a pixel outside [T-, T+] is tested, never credited; EntropyPool.Add: first symbol in the high bits
        if (z >= t_minus && z <= t_plus && s[QRNG_SYM_POOL_SYMBOLS] < capacity)
        {
            int32_t n = s[QRNG_SYM_POOL_SYMBOLS];
            pool[n >> 2] = (uint8_t)(pool[n >> 2] | (symbol << (6 - (2 * (n & 3)))));
            s[QRNG_SYM_POOL_SYMBOLS] = n + 1;
        }

        if (s[QRNG_SYM_APT] == 0)
        {
            // EntropyPool.AptWindowPassed: committed = max(committed, min(APT-, noise-, dither-passed))
            s[QRNG_SYM_POOL_APT] = s[QRNG_SYM_POOL_SYMBOLS];
            int32_t c = s[QRNG_SYM_POOL_APT] < s[QRNG_SYM_POOL_NOISE] ? s[QRNG_SYM_POOL_APT] : s[QRNG_SYM_POOL_NOISE];
            c = c < s[QRNG_SYM_POOL_DITHER] ? c : s[QRNG_SYM_POOL_DITHER];
            if (c > s[QRNG_SYM_POOL_COMMITTED])
            {
                s[QRNG_SYM_POOL_COMMITTED] = c;
            }
        }
    }

    return QRNG_SYM_OK;
}

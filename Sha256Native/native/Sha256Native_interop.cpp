//
// The native methods of Qrng.Crypto.Sha256Native (Qrng.Sha256.Native.dll): this file replaces the generated user stub
// generated/Qrng_Sha256_Native_Qrng_Crypto_Sha256Native.cpp, which the MetadataProcessor overwrites on every
// regeneration and which no build compiles. The declarations (generated/..._Sha256Native.h), the marshalling
// (generated/..._mshl.cpp) and the method table with the native checksum (generated/Qrng_Sha256_Native.cpp) are used
// as generated.
//
// Everything is SP 800-90A Hash_DRBG with SHA-256 (seedlen 440 bits = 55 bytes) on top of qrng_sha256_pieces (the
// backend: portable C or mbedTLS). Counts and offsets come from managed code and are checked against the arrays here:
// a bad one raises ArgumentOutOfRangeException (CLR_E_OUT_OF_RANGE), a backend failure an exception (CLR_E_FAIL),
// never a write outside an array. Secret intermediate values are zeroized before returning.
//
#include "Qrng_Sha256_Native.h"
#include "Qrng_Sha256_Native_Qrng_Crypto_Sha256Native.h"
#include "qrng_crc32.h"
#include "qrng_sha256.h"

#include <string.h>

using namespace Qrng_Sha256_Native::Qrng_Sha256_Native;

namespace
{
    const int SeedLength = 55;                       // seedlen 440 bits (SP 800-90A §10.1 Table 2)
    const int OutLength = QRNG_SHA256_DIGEST_LENGTH; // outlen 256 bits

    // count bytes from the start of array (0 <= count <= array length)
    bool Within(CLR_RT_TypedArray_UINT8 &array, signed int count)
    {
        return count >= 0 && (unsigned int)count <= array.GetSize();
    }

    // [offset, offset + count) inside array
    bool Within(CLR_RT_TypedArray_UINT8 &array, signed int offset, signed int count)
    {
        return offset >= 0 && count >= 0 && (unsigned int)offset <= array.GetSize() &&
               (unsigned int)count <= array.GetSize() - (unsigned int)offset;
    }

    // -1 (no prefix byte) or a byte value
    bool Prefix(signed int prefix)
    {
        return prefix >= -1 && prefix <= 255;
    }

    // data = (data + 1) mod 2^440, big-endian (Hashgen's step 4.3)
    void Increment(uint8_t data[SeedLength])
    {
        for (int i = SeedLength - 1; i >= 0; i--)
        {
            if (++data[i] != 0)
            {
                break;
            }
        }
    }
} // namespace

// The parameters are named here; the generated declaration calls them param0, param1, ...
void Sha256Native::Hashgen(CLR_RT_TypedArray_UINT8 v, CLR_RT_TypedArray_UINT8 output, signed int offset, signed int count, HRESULT &hr)
{
    if (!Within(v, SeedLength) || !Within(output, offset, count))
    {
        hr = CLR_E_OUT_OF_RANGE;
        return;
    }

    // SP 800-90A §10.1.1.4 Hashgen: data = V; W = Hash(data) || Hash(data + 1) || ..., leftmost count bytes
    uint8_t data[SeedLength];
    uint8_t last[OutLength];
    memcpy(data, v.GetBuffer(), SeedLength);
    uint8_t *out = output.GetBuffer() + offset;
    qrng_sha256_piece piece = {data, SeedLength};
    while (count > 0)
    {
        uint8_t *target = count >= OutLength ? out : last;
        if (qrng_sha256_pieces(&piece, 1, target) != 0)
        {
            hr = CLR_E_FAIL;
            break;
        }

        if (count >= OutLength)
        {
            out += OutLength;
            count -= OutLength;
        }
        else
        {
            memcpy(out, last, (size_t)count);
            count = 0;
        }

        Increment(data);
    }

    qrng_sha256_zeroize(data, sizeof(data));
    qrng_sha256_zeroize(last, sizeof(last));
}

void Sha256Native::Hash(
    signed int prefix,
    CLR_RT_TypedArray_UINT8 a,
    signed int aCount,
    CLR_RT_TypedArray_UINT8 b,
    signed int bCount,
    CLR_RT_TypedArray_UINT8 digest,
    signed int digestOffset,
    HRESULT &hr)
{
    if (!Prefix(prefix) || !Within(a, aCount) || !Within(b, bCount) || !Within(digest, digestOffset, OutLength))
    {
        hr = CLR_E_OUT_OF_RANGE;
        return;
    }

    uint8_t head = (uint8_t)prefix;
    qrng_sha256_piece pieces[3] = {
        {&head, prefix >= 0 ? 1u : 0u},
        {a.GetBuffer(), (size_t)aCount},
        {b.GetBuffer(), (size_t)bCount},
    };

    if (qrng_sha256_pieces(pieces, 3, digest.GetBuffer() + digestOffset) != 0)
    {
        hr = CLR_E_FAIL;
    }
}

void Sha256Native::HashDf(
    signed int prefix,
    CLR_RT_TypedArray_UINT8 a,
    signed int aCount,
    CLR_RT_TypedArray_UINT8 b,
    signed int bCount,
    CLR_RT_TypedArray_UINT8 c,
    signed int cCount,
    CLR_RT_TypedArray_UINT8 result,
    HRESULT &hr)
{
    if (!Prefix(prefix) || !Within(a, aCount) || !Within(b, bCount) || !Within(c, cCount) || !Within(result, SeedLength))
    {
        hr = CLR_E_OUT_OF_RANGE;
        return;
    }

    // SP 800-90A §10.3.1 Hash_df, no_of_bits_to_return = 440: temp = Hash(counter || 440 || input) for counter = 1, 2
    uint8_t head[6] = {0x01, 0x00, 0x00, 0x01, 0xB8, (uint8_t)prefix};
    uint8_t temp[2 * OutLength];
    qrng_sha256_piece pieces[4] = {
        {head, prefix >= 0 ? 6u : 5u},
        {a.GetBuffer(), (size_t)aCount},
        {b.GetBuffer(), (size_t)bCount},
        {c.GetBuffer(), (size_t)cCount},
    };

    for (int counter = 1; counter <= 2; counter++)
    {
        head[0] = (uint8_t)counter;
        if (qrng_sha256_pieces(pieces, 4, temp + (counter - 1) * OutLength) != 0)
        {
            hr = CLR_E_FAIL;
            break;
        }
    }

    if (SUCCEEDED(hr))
    {
        memcpy(result.GetBuffer(), temp, SeedLength);
    }

    qrng_sha256_zeroize(temp, sizeof(temp));
}

// CRC-32/ISO-HDLC of data[offset, offset + count) (qrng_crc32.c: the ESP32 ROM's crc32_le, or a table), its bits as an int
signed int Sha256Native::Crc32(CLR_RT_TypedArray_UINT8 data, signed int offset, signed int count, HRESULT &hr)
{
    if (!Within(data, offset, count))
    {
        hr = CLR_E_OUT_OF_RANGE;
        return 0;
    }

    return (signed int)qrng_crc32(data.GetBuffer() + offset, (size_t)count);
}

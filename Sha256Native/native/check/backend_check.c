/*
 * Host-side check of a SHA-256 backend (qrng_sha256.h): reads messages in pieces from stdin and prints one digest per
 * message in hex, so that a test can compare the portable C and the mbedTLS backends with .NET's SHA-256
 * (Host/Tests/Sha256BackendTests.cs). Input: u32 message count, then per message u32 piece count, then per piece u32
 * length and its bytes; all little-endian. Not part of any image.
 */
#include <stdio.h>
#include <stdlib.h>
#include "../qrng_sha256.h"

static int read_u32(uint32_t *v)
{
    unsigned char b[4];
    if (fread(b, 1, 4, stdin) != 4) return 0;
    *v = (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
    return 1;
}

int main(void)
{
    uint32_t messages;
    if (!read_u32(&messages)) return 2;
    printf("backend %s\n", qrng_sha256_backend());
    for (uint32_t m = 0; m < messages; m++)
    {
        uint32_t count;
        if (!read_u32(&count) || count > 64) return 2;
        qrng_sha256_piece pieces[64];
        for (uint32_t i = 0; i < count; i++)
        {
            uint32_t length;
            if (!read_u32(&length) || length > (1u << 20)) return 2;
            uint8_t *data = length > 0 ? malloc(length) : NULL;
            if (length > 0 && (data == NULL || fread(data, 1, length, stdin) != length)) return 2;
            pieces[i].data = data;
            pieces[i].length = length;
        }

        uint8_t digest[QRNG_SHA256_DIGEST_LENGTH];
        int rc = qrng_sha256_pieces(pieces, count, digest);
        for (uint32_t i = 0; i < count; i++) free((void *)pieces[i].data);
        if (rc != 0)
        {
            printf("error %d\n", rc);
            continue;
        }

        for (int i = 0; i < QRNG_SHA256_DIGEST_LENGTH; i++) printf("%02x", digest[i]);
        printf("\n");
    }

    return 0;
}

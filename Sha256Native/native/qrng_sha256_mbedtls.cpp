//
// SHA-256 backend of the Qrng.Sha256.Native interop assembly on mbedTLS, for the ESP32 image: ESP-IDF's mbedTLS port
// computes mbedtls_sha256_* on the chip's SHA accelerator when CONFIG_MBEDTLS_HARDWARE_SHA is set (and falls back to
// its software SHA-256 when another task holds the engine). Written against mbedTLS's documented API (sha256.h:
// init, starts(ctx, is224 = 0), update, finish, free; the *_ret names of mbedTLS 2.x). CI compiles it against the
// host's mbedTLS 2.x and checks its digests (Host/Tests/Sha256BackendTests.cs); the ESP-IDF build (mbedTLS 3.x, the
// accelerator) is not run here: docs/sha256-interop.md says how to build and check it on a board.
//
// The includes follow nf-interpreter's own mbedTLS user on this platform
// (src/nanoFramework.System.Security.Cryptography/nf_sys_sec_cryptography.h): esp32_idf.h and mbedtls/esp_config.h
// before the mbedTLS headers, because nanoFramework's native-assembly library is not an ESP-IDF component and does not
// get IDF's MBEDTLS_CONFIG_FILE definition.
//
#include "qrng_sha256.h"

#ifdef PLATFORM_ESP32
#define MBEDTLS_SHA256_C
#include <esp32_idf.h>
#include <mbedtls/esp_config.h>
#endif

#include <mbedtls/version.h>
#include <mbedtls/sha256.h>

#include <string.h>

#if MBEDTLS_VERSION_MAJOR >= 3
#define QRNG_SHA256_STARTS mbedtls_sha256_starts
#define QRNG_SHA256_UPDATE mbedtls_sha256_update
#define QRNG_SHA256_FINISH mbedtls_sha256_finish
#else
#define QRNG_SHA256_STARTS mbedtls_sha256_starts_ret
#define QRNG_SHA256_UPDATE mbedtls_sha256_update_ret
#define QRNG_SHA256_FINISH mbedtls_sha256_finish_ret
#endif

extern "C" int qrng_sha256_pieces(const qrng_sha256_piece *pieces, size_t count, uint8_t digest[QRNG_SHA256_DIGEST_LENGTH])
{
    mbedtls_sha256_context ctx;
    mbedtls_sha256_init(&ctx);

    // is224 = 0: SHA-256
    int rc = QRNG_SHA256_STARTS(&ctx, 0);
    for (size_t i = 0; rc == 0 && i < count; i++)
    {
        if (pieces[i].length > 0)
        {
            rc = QRNG_SHA256_UPDATE(&ctx, pieces[i].data, pieces[i].length);
        }
    }

    if (rc == 0)
    {
        rc = QRNG_SHA256_FINISH(&ctx, digest);
    }

    // zeroizes the context (mbedTLS documents mbedtls_sha256_free as clearing it)
    mbedtls_sha256_free(&ctx);
    if (rc != 0)
    {
        memset(digest, 0, QRNG_SHA256_DIGEST_LENGTH);
    }

    return rc;
}

extern "C" const char *qrng_sha256_backend(void)
{
    return "mbedTLS";
}

extern "C" void qrng_sha256_zeroize(void *data, size_t length)
{
    volatile uint8_t *p = (volatile uint8_t *)data;
    while (length-- > 0)
    {
        *p++ = 0;
    }
}

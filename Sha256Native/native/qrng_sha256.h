//
// SHA-256 backend of the Qrng.Sha256.Native interop assembly: one function, the digest of a message given in pieces.
// Two implementations, one per image:
//   qrng_sha256_portable.c  portable C (FIPS 180-4), for the Linux nanoCLR of CI and any target without mbedTLS
//   qrng_sha256_mbedtls.cpp mbedTLS mbedtls_sha256_* (ESP-IDF's port drives the ESP32's SHA accelerator)
// Sha256Native_interop.cpp builds Hashgen, Hash and Hash_df of SP 800-90A on top of it.
//
#ifndef QRNG_SHA256_H
#define QRNG_SHA256_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C"
{
#endif

#define QRNG_SHA256_DIGEST_LENGTH 32

    // One piece of a message: length bytes at data (data may be NULL when length is 0).
    typedef struct
    {
        const uint8_t *data;
        size_t length;
    } qrng_sha256_piece;

    // Writes SHA-256(pieces[0] || pieces[1] || ... || pieces[count - 1]) to digest (32 bytes). Returns 0 on success,
    // non-zero when the backend failed (digest is then zeroed). Leaves no message data in its own state.
    int qrng_sha256_pieces(const qrng_sha256_piece *pieces, size_t count, uint8_t digest[QRNG_SHA256_DIGEST_LENGTH]);

    // The backend's name, for diagnostics: "portable C" or "mbedTLS".
    const char *qrng_sha256_backend(void);

    // Overwrites length bytes at data with zeros in a way the compiler does not remove.
    void qrng_sha256_zeroize(void *data, size_t length);

#ifdef __cplusplus
}
#endif

#endif // QRNG_SHA256_H

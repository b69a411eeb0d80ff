//
// CRC-32 of IEEE 802.3 (CRC-32/ISO-HDLC: reflected polynomial 0xEDB88320, init and final XOR 0xFFFFFFFF, zlib's
// crc32) for the serial protocol's frames, in the Qrng.Sha256.Native interop assembly beside SHA-256.
//
#ifndef QRNG_CRC32_H
#define QRNG_CRC32_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C"
{
#endif

    // CRC-32 of length bytes at data (data may be NULL when length is 0).
    uint32_t qrng_crc32(const uint8_t *data, size_t length);

    // The implementation's name, for diagnostics: "ESP32 ROM" or "portable C".
    const char *qrng_crc32_backend(void);

#ifdef __cplusplus
}
#endif

#endif // QRNG_CRC32_H

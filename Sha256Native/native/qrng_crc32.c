//
// qrng_crc32 (qrng_crc32.h). In an ESP-IDF build the ROM's crc32_le: it complements the value passed in and the value
// returned, so crc32_le(0, ...) is CRC-32/ISO-HDLC (ESP-IDF esp_rom_crc.h). Elsewhere (the Linux nanoCLR) a byte-wise
// table, built once from the polynomial.
//
#include "qrng_crc32.h"

#if defined(ESP_PLATFORM)

#include "esp_rom_crc.h"

uint32_t qrng_crc32(const uint8_t *data, size_t length)
{
    return length == 0 ? 0u : esp_rom_crc32_le(0, data, (uint32_t)length);
}

const char *qrng_crc32_backend(void)
{
    return "ESP32 ROM";
}

#else

static uint32_t table[256];
static int table_ready;

static void build(void)
{
    for (uint32_t n = 0; n < 256; n++)
    {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
        {
            c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }

        table[n] = c;
    }

    table_ready = 1; // the interpreter runs managed code on one thread: no race
}

uint32_t qrng_crc32(const uint8_t *data, size_t length)
{
    if (!table_ready)
    {
        build();
    }

    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < length; i++)
    {
        c = table[(c ^ data[i]) & 0xFFu] ^ (c >> 8);
    }

    return ~c;
}

const char *qrng_crc32_backend(void)
{
    return "portable C";
}

#endif

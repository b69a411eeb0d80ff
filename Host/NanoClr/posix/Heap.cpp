// Managed heap of the project's Linux nanoCLR (replaces targets/posix/nanoCLR/Memory.cpp, which fixes it at 10 MB).
// QRNG_NANOCLR_HEAP_BYTES sets its size, so device code can be run in the heap an ESP32 gives it: about 79 KB
// free after boot on ESP32_REV0 without PSRAM (nf-interpreter PR #2168), up to about 111 KB (PR #1597).
// HeapLocation / CustomHeapLocation are the two entry points the CLR asks for its heaps (nanoHAL_v2.h).
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace
{
    constexpr size_t DefaultHeapBytes = 10 * 1024 * 1024;
    constexpr size_t MinHeapBytes = 16 * 1024;

    size_t ConfiguredBytes()
    {
        const char *text = std::getenv("QRNG_NANOCLR_HEAP_BYTES");
        if (text == nullptr || *text == '\0')
        {
            return DefaultHeapBytes;
        }

        char *end = nullptr;
        unsigned long long value = std::strtoull(text, &end, 10);
        if (end == text || *end != '\0' || value < MinHeapBytes || value > 0x7FFFFFFFull)
        {
            return DefaultHeapBytes;
        }

        return static_cast<size_t>(value);
    }

    struct Region
    {
        unsigned char *start = nullptr;
        size_t bytes = 0;
        std::mutex lock;

        void Get(unsigned char *&baseAddress, unsigned int &sizeInBytes)
        {
            std::lock_guard<std::mutex> guard(lock);
            if (start == nullptr)
            {
                bytes = ConfiguredBytes();
                start = static_cast<unsigned char *>(std::malloc(bytes));
                if (start != nullptr)
                {
                    std::memset(start, 0xEA, bytes); // the dirty pattern upstream fills with
                }
            }

            baseAddress = start;
            sizeInBytes = start != nullptr ? static_cast<unsigned int>(bytes) : 0;
        }
    };

    Region g_managed;
    Region g_custom;
} // namespace

void HeapLocation(unsigned char *&BaseAddress, unsigned int &SizeInBytes)
{
    g_managed.Get(BaseAddress, SizeInBytes);
}

void CustomHeapLocation(unsigned char *&BaseAddress, unsigned int &SizeInBytes)
{
    g_custom.Get(BaseAddress, SizeInBytes);
}

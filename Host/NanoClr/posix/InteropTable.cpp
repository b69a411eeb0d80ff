// The interop assembly table of the project's Linux nanoCLR: upstream's entries (targets/posix/nanoCLR/posix_stubs.cpp,
// whose table symbols CMakeLists.txt renames to *_upstream) followed by this project's interop assemblies, so the
// snapshot stays unmodified. nanoCLR binds a native assembly by name (CLR_RT_SystemAssembliesTable.cpp walks this
// table up to its nullptr) and refuses a .pe whose native checksum differs from the entry's.
//
// QRNG_NANOCLR_OMIT_NATIVE (assembly names separated by commas or spaces) leaves entries out of the table of this one
// process: the same binary then behaves like an image built without them, as stock firmware does for
// Qrng.Sha256.Native (its .pe loads, its native methods throw NotSupportedException), which is how the tests show
// Hash_DRBG's fallback to managed SHA-256 on the interpreter.
#include <nanoCLR_Runtime.h>

#include <cstdlib>
#include <cstring>

extern const CLR_RT_NativeAssemblyData *g_CLR_InteropAssembliesNativeData_upstream[];
extern const CLR_RT_NativeAssemblyData g_CLR_AssemblyNative_Qrng_Sha256_Native;

namespace
{
    constexpr int Capacity = 64;

    const CLR_RT_NativeAssemblyData *const Ours[] = {
        &g_CLR_AssemblyNative_Qrng_Sha256_Native,
    };

    // true when name is one of the entries of QRNG_NANOCLR_OMIT_NATIVE
    bool Omitted(const char *name)
    {
        const char *list = std::getenv("QRNG_NANOCLR_OMIT_NATIVE");
        if (list == nullptr)
        {
            return false;
        }

        size_t length = std::strlen(name);
        for (const char *p = list; *p != '\0';)
        {
            while (*p == ',' || *p == ' ')
            {
                p++;
            }

            const char *start = p;
            while (*p != '\0' && *p != ',' && *p != ' ')
            {
                p++;
            }

            if ((size_t)(p - start) == length && std::strncmp(start, name, length) == 0)
            {
                return true;
            }
        }

        return false;
    }
} // namespace

const CLR_RT_NativeAssemblyData *g_CLR_InteropAssembliesNativeData[Capacity] = {};

// Filled before main (dynamic initialization of a namespace-scope constant): upstream's table is constant-initialized,
// so it is complete by then; the CLR reads this table only once it starts.
const uint16_t g_CLR_InteropAssembliesCount = []() -> uint16_t {
    int n = 0;
    for (int i = 0; g_CLR_InteropAssembliesNativeData_upstream[i] != nullptr && n < Capacity - 1; i++)
    {
        g_CLR_InteropAssembliesNativeData[n++] = g_CLR_InteropAssembliesNativeData_upstream[i];
    }

    for (const CLR_RT_NativeAssemblyData *entry : Ours)
    {
        if (n < Capacity - 1 && !Omitted(entry->m_szAssemblyName))
        {
            g_CLR_InteropAssembliesNativeData[n++] = entry;
        }
    }

    g_CLR_InteropAssembliesNativeData[n] = nullptr;
    return (uint16_t)n;
}();

#
# Qrng.Sha256.Native in an nf-interpreter firmware build (docs/sha256-interop.md). nf-interpreter's
# CMake/Modules/FindNF_NativeAssemblies.cmake runs find_package(INTEROP-Qrng.Sha256.Native) for every name in the
# NF_INTEROP_ASSEMBLIES cache variable, so this file goes to nf-interpreter/CMake/Modules/ and this repository's
# Sha256Native/native/ folder to nf-interpreter/InteropAssemblies/Qrng.Sha256.Native/.
#
# It replaces the module the MetadataProcessor generates (native/generated/FindINTEROP-Qrng.Sha256.Native.cmake),
# which compiles the generated user stub (empty bodies); this one compiles the generated method table and
# marshalling, the implementations (Sha256Native_interop.cpp, FrameKernel_interop.cpp), the CRC-32 (qrng_crc32.c: the
# ROM's crc32_le under ESP-IDF), the frame kernel (qrng_frame.c, portable C) and one SHA-256 backend:
#   QRNG_SHA256_BACKEND=mbedtls   (default) qrng_sha256_mbedtls.cpp, ESP-IDF's mbedTLS: the SHA accelerator
#   QRNG_SHA256_BACKEND=portable  qrng_sha256_portable.c, for a target without mbedTLS
#

# native code directory
set(BASE_PATH_FOR_THIS_MODULE ${PROJECT_SOURCE_DIR}/InteropAssemblies/Qrng.Sha256.Native)

if(NOT QRNG_SHA256_BACKEND)
    set(QRNG_SHA256_BACKEND mbedtls)
endif()

# set include directories
list(APPEND Qrng.Sha256.Native_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/src/CLR/Core)
list(APPEND Qrng.Sha256.Native_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/src/CLR/Include)
list(APPEND Qrng.Sha256.Native_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/src/HAL/Include)
list(APPEND Qrng.Sha256.Native_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/src/PAL/Include)
list(APPEND Qrng.Sha256.Native_INCLUDE_DIRS ${BASE_PATH_FOR_THIS_MODULE})
list(APPEND Qrng.Sha256.Native_INCLUDE_DIRS ${BASE_PATH_FOR_THIS_MODULE}/generated)

# source files
set(Qrng.Sha256.Native_SRCS
    generated/Qrng_Sha256_Native.cpp
    generated/Qrng_Sha256_Native_Qrng_Crypto_Sha256Native_mshl.cpp
    generated/Qrng_Sha256_Native_Qrng_Native_FrameKernelNative_mshl.cpp
    Sha256Native_interop.cpp
    FrameKernel_interop.cpp
    qrng_crc32.c
    qrng_frame.c
)

if(QRNG_SHA256_BACKEND STREQUAL "mbedtls")
    list(APPEND Qrng.Sha256.Native_SRCS qrng_sha256_mbedtls.cpp)
elseif(QRNG_SHA256_BACKEND STREQUAL "portable")
    list(APPEND Qrng.Sha256.Native_SRCS qrng_sha256_portable.c)
else()
    message(FATAL_ERROR "QRNG_SHA256_BACKEND must be mbedtls or portable (got '${QRNG_SHA256_BACKEND}')")
endif()

foreach(SRC_FILE ${Qrng.Sha256.Native_SRCS})
    if(NOT EXISTS "${BASE_PATH_FOR_THIS_MODULE}/${SRC_FILE}")
        message(FATAL_ERROR "Qrng.Sha256.Native: ${BASE_PATH_FOR_THIS_MODULE}/${SRC_FILE} is missing (copy Sha256Native/native/ there)")
    endif()

    if(BUILD_VERBOSE)
        message("${SRC_FILE} >> ${BASE_PATH_FOR_THIS_MODULE}/${SRC_FILE}")
    endif()

    list(APPEND Qrng.Sha256.Native_SOURCES "${BASE_PATH_FOR_THIS_MODULE}/${SRC_FILE}")
endforeach()

message(STATUS "Qrng.Sha256.Native: SHA-256 backend ${QRNG_SHA256_BACKEND}")

include(FindPackageHandleStandardArgs)

FIND_PACKAGE_HANDLE_STANDARD_ARGS(INTEROP-Qrng.Sha256.Native DEFAULT_MSG Qrng.Sha256.Native_INCLUDE_DIRS Qrng.Sha256.Native_SOURCES)

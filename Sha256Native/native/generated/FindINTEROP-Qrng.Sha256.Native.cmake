#
# Copyright (c) .NET Foundation and Contributors
# See LICENSE file in the project root for full license information.
#

########################################################################################
# make sure that a valid path is set bellow                                            #
# this is an Interop module so this file should be placed in the CMakes module folder  #
# usually CMake\Modules                                                                #
########################################################################################

# native code directory
set(BASE_PATH_FOR_THIS_MODULE ${PROJECT_SOURCE_DIR}/InteropAssemblies/Qrng.Sha256.Native)


# set include directories
list(APPEND Qrng.Sha256.Native_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/src/CLR/Core)
list(APPEND Qrng.Sha256.Native_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/src/CLR/Include)
list(APPEND Qrng.Sha256.Native_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/src/HAL/Include)
list(APPEND Qrng.Sha256.Native_INCLUDE_DIRS ${PROJECT_SOURCE_DIR}/src/PAL/Include)
list(APPEND Qrng.Sha256.Native_INCLUDE_DIRS ${BASE_PATH_FOR_THIS_MODULE})


# source files
set(Qrng.Sha256.Native_SRCS

    Qrng_Sha256_Native.cpp


    Qrng_Sha256_Native_Qrng_Crypto_Sha256Native_mshl.cpp
    Qrng_Sha256_Native_Qrng_Crypto_Sha256Native.cpp
    Qrng_Sha256_Native_Qrng_Native_FrameKernelNative_mshl.cpp
    Qrng_Sha256_Native_Qrng_Native_FrameKernelNative.cpp

)

foreach(SRC_FILE ${Qrng.Sha256.Native_SRCS})

    set(Qrng.Sha256.Native_SRC_FILE SRC_FILE-NOTFOUND)

    find_file(Qrng.Sha256.Native_SRC_FILE ${SRC_FILE}
        PATHS
	        ${BASE_PATH_FOR_THIS_MODULE}
	        ${TARGET_BASE_LOCATION}
            ${PROJECT_SOURCE_DIR}/src/Qrng.Sha256.Native

	    CMAKE_FIND_ROOT_PATH_BOTH
    )

    if (BUILD_VERBOSE)
        message("${SRC_FILE} >> ${Qrng.Sha256.Native_SRC_FILE}")
    endif()

    list(APPEND Qrng.Sha256.Native_SOURCES ${Qrng.Sha256.Native_SRC_FILE})

endforeach()

include(FindPackageHandleStandardArgs)

FIND_PACKAGE_HANDLE_STANDARD_ARGS(Qrng.Sha256.Native DEFAULT_MSG Qrng.Sha256.Native_INCLUDE_DIRS Qrng.Sha256.Native_SOURCES)

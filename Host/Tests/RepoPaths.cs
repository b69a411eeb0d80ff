using System;
using System.IO;

namespace Qrng.Host.Tests
{
    /// <summary>Locates the repository root (the folder holding nf.sln) and the shared folder beside it.</summary>
    public static class RepoPaths
    {
        public static string Root { get; } = FindRoot();

        /// <summary>../shared next to the checkout, or $QRNG_SHARED.</summary>
        public static string Shared => Environment.GetEnvironmentVariable("QRNG_SHARED") is { Length: > 0 } s ? s : Path.GetFullPath(Path.Combine(Root, "..", "shared"));

        private static string FindRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "nf.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("nf.sln not found above " + AppContext.BaseDirectory);
        }
    }
}

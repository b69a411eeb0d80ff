namespace Qrng.NanoClr
{
    /// <summary>Where things are: the repository, ../shared and its third_party snapshots, the build and cache folders.</summary>
    public sealed class Paths
    {
        public const string MscorlibVersion = "1.17.11";

        private Paths(string repo, string shared = null)
        {
            Repo = repo;
            Shared = shared != null ? Path.GetFullPath(shared)
                : Environment.GetEnvironmentVariable("QRNG_SHARED") is { Length: > 0 } s ? Path.GetFullPath(s) : Path.GetFullPath(Path.Combine(repo, "..", "shared"));
        }

        /// <summary>A checkout at <paramref name="repo"/> with its shared folder at <paramref name="shared"/> (null: $QRNG_SHARED or ../shared).</summary>
        public static Paths For(string repo, string shared) => new(Path.GetFullPath(repo), shared);

        /// <summary>The checkout (holds nf.sln).</summary>
        public string Repo { get; }

        /// <summary>../shared beside the checkout, or $QRNG_SHARED.</summary>
        public string Shared { get; }

        public string ThirdParty => Path.Combine(Shared, "third_party");

        public string NfInterpreter => Path.Combine(ThirdParty, "nf-interpreter");

        /// <summary>Ignored build output inside the checkout (.dll, .pe).</summary>
        public string Build => Path.Combine(Repo, "build");

        /// <summary>
        /// Outside the checkout, shared by every clone on this machine and keyed by content: nanoCLR builds.
        /// $QRNG_CACHE, else $XDG_CACHE_HOME/qrng, else ~/.cache/qrng.
        /// </summary>
        public static string Cache
        {
            get
            {
                if (Environment.GetEnvironmentVariable("QRNG_CACHE") is { Length: > 0 } c)
                {
                    return Path.GetFullPath(c);
                }

                string xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
                string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                return Path.Combine(xdg is { Length: > 0 } ? xdg : Path.Combine(home, ".cache"), "qrng");
            }
        }

        /// <summary>nanoFramework.CoreLibrary's lib folder in the NuGet cache (restored by this project's PackageDownload).</summary>
        public static string CoreLibrary => Path.Combine(NuGetPackages, "nanoframework.corelibrary", MscorlibVersion, "lib");

        public static string NuGetPackages =>
            Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

        /// <summary>Why the interpreter cannot be used here, or null when everything it needs is present.</summary>
        public string Missing
        {
            get
            {
                if (!File.Exists(Path.Combine(NfInterpreter, "targets", "posix", "CMakeLists.txt")))
                {
                    return $"nanoFramework's sources are not at {ThirdParty} (set QRNG_SHARED to the shared folder)";
                }

                if (!File.Exists(Path.Combine(CoreLibrary, "mscorlib.pe")))
                {
                    return $"nanoFramework.CoreLibrary {MscorlibVersion} is not in the NuGet cache ({CoreLibrary}); build Host/NanoClr to restore it";
                }

                return null;
            }
        }

        /// <summary>The checkout that holds <paramref name="start"/> (or the current directory).</summary>
        public static Paths Find(string start = null)
        {
            for (var dir = new DirectoryInfo(start ?? Directory.GetCurrentDirectory()); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "nf.sln")))
                {
                    return new Paths(dir.FullName);
                }
            }

            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "nf.sln")))
                {
                    return new Paths(dir.FullName);
                }
            }

            throw new InvalidOperationException("not inside the repository (no nf.sln above " + (start ?? Directory.GetCurrentDirectory()) + ")");
        }
    }
}

using System.CommandLine;
using Qrng.NfCheck;

var rootOption = new Option<DirectoryInfo>("--root") { Description = "repository root (holds nf.sln)", DefaultValueFactory = _ => new DirectoryInfo(Directory.GetCurrentDirectory()) };
var apiOption = new Option<FileInfo>("--api") { Description = "nanoFramework API listing (default: ../shared/nanoframework/api-1.x.txt next to the root)" };
var noCompile = new Option<bool>("--no-compile") { Description = "skip compiling device projects against nanoFramework's assemblies" };
var sharedOption = new Option<DirectoryInfo>("--shared") { Description = "the shared folder with third_party/ and nanoframework/ (default: $QRNG_SHARED, else ../shared next to the root)" };
var command = new RootCommand("Checks device code against the nanoFramework 1.x subset and nf.sln/.nfproj/packages.config against the folders.")
{
    rootOption,
    apiOption,
    noCompile,
    sharedOption,
};
command.SetAction(parse =>
{
    string root = parse.GetValue(rootOption).FullName;
    string shared = parse.GetValue(sharedOption)?.FullName
        ?? (Environment.GetEnvironmentVariable("QRNG_SHARED") is { Length: > 0 } env ? Path.GetFullPath(env) : Path.GetFullPath(Path.Combine(root, "..", "shared")));
    string api = parse.GetValue(apiOption)?.FullName ?? Path.Combine(shared, "nanoframework", "api-1.x.txt");
    if (!File.Exists(Path.Combine(root, "nf.sln")) && !Directory.Exists(Path.Combine(root, "Hash_DRBG")))
    {
        Console.Error.WriteLine($"nfcheck: {root} is not the repository root (no nf.sln)");
        return 2;
    }

    Checks.Report report = Checks.Run(root, api, !parse.GetValue(noCompile), shared);
    foreach (string note in report.Notes)
    {
        Console.WriteLine("note: " + note);
    }

    foreach (Finding f in report.Findings)
    {
        Console.WriteLine(f);
    }

    Console.WriteLine(report.Findings.Count == 0 ? "nfcheck: OK" : $"nfcheck: {report.Findings.Count} problem(s)");
    return report.Findings.Count == 0 ? 0 : 1;
});
return command.Parse(args).Invoke();

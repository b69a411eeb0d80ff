using System.CommandLine;
using Qrng.NanoClr;

// nanoclr: the firmware on nanoFramework's real interpreter (Linux nanoCLR), for people and for CI.
var flavorOption = new Option<string>("--flavor") { Description = "x86 (32-bit, 12-byte heap blocks as on an ESP32; default when g++ -m32 works) or x64" };
var timeoutOption = new Option<int>("--timeout") { Description = "seconds before a run counts as a hang", DefaultValueFactory = _ => 600 };
var heapOption = new Option<int?>("--heap") { Description = "managed heap in bytes (default 10 MB; an ESP32 without PSRAM has about 80-110 KB)" };
var omitOption = new Option<string[]>("--omit-native") { Description = "leave these native assemblies out of the interpreter's table for this run (e.g. Qrng.Sha256.Native: Hash_DRBG then falls back to managed SHA-256, as on stock firmware)", AllowMultipleArgumentsPerToken = true };

Flavor? FlavorOf(ParseResult p) => p.GetValue(flavorOption) switch
{
    null => null,
    "x86" => Flavor.X86,
    "x64" => Flavor.X64,
    string other => throw new ArgumentException("--flavor: x86 or x64, not " + other),
};

void Log(string line) => Console.Error.WriteLine(line);

int Guarded(Func<Paths, int> body)
{
    try
    {
        Paths paths = Paths.Find();
        if (paths.Missing is { } missing)
        {
            Console.Error.WriteLine("nanoclr: " + missing);
            return 2;
        }

        return body(paths);
    }
    catch (Exception e) when (e is BuildException or ArgumentException or FileNotFoundException or InvalidOperationException)
    {
        Console.Error.WriteLine("nanoclr: " + e.Message);
        return 2;
    }
}

var test = new Command("test", "build nanoCLR and NFUnitTest, run every device test on the interpreter; exit 1 when one fails") { flavorOption, timeoutOption, omitOption };
test.SetAction(p => Guarded(paths =>
{
    DeviceTestRun run = DeviceTests.BuildAndRun(paths, FlavorOf(p), TimeSpan.FromSeconds(p.GetValue(timeoutOption)), Log, Console.WriteLine, p.GetValue(omitOption));
    Console.WriteLine(run.Summary + " (" + NativeBuild.Describe(run.Clr.Flavor) + ")");
    if (run.Run.Problem != null)
    {
        Console.WriteLine("nanoclr: " + run.Run.Problem);
        return 1;
    }

    return run.Count("failed") == 0 && run.Results.Count > 0 ? 0 : 1;
}));

var projectArgument = new Argument<string>("project") { Description = "a device .nfproj with a Main (e.g. Benchmarks.Device/Benchmarks.Device.nfproj)" };
var run = new Command("run", "build a device program and run it on nanoCLR; exit 1 unless it ends with \"qrng-run: ok\"") { projectArgument, flavorOption, timeoutOption, heapOption, omitOption };
run.SetAction(p => Guarded(paths =>
{
    NanoClrBinary clr = NativeBuild.Ensure(paths, FlavorOf(p) ?? NativeBuild.DefaultFlavor, Log);
    DeviceAssembly program = new DeviceBuild(paths, Log).Build(Path.GetFullPath(p.GetValue(projectArgument)));
    NanoClrRun result = Runner.Run(clr, program.LoadOrder(DeviceBuild.MscorlibPe), TimeSpan.FromSeconds(p.GetValue(timeoutOption)), p.GetValue(heapOption), Console.WriteLine, p.GetValue(omitOption));
    string problem = Runner.MarkedProblem(result);
    if (problem != null)
    {
        Console.Error.WriteLine("nanoclr: " + problem);
        return 1;
    }

    return 0;
}));

var build = new Command("build", "build nanoCLR and every project of nf.sln whose references are available here; print the .pe files") { flavorOption };
build.SetAction(p => Guarded(paths =>
{
    NanoClrBinary clr = NativeBuild.Ensure(paths, FlavorOf(p) ?? NativeBuild.DefaultFlavor, Log);
    Console.WriteLine("nanoCLR: " + clr.Harness + " (" + NativeBuild.Describe(clr.Flavor) + ")");
    var device = new DeviceBuild(paths, Log);
    foreach (string nfproj in DeviceBuild.SolutionProjects(paths.Repo))
    {
        DeviceAssembly a = device.Build(nfproj);
        Console.WriteLine(Path.GetRelativePath(paths.Repo, nfproj) + " -> " + Path.GetRelativePath(paths.Repo, a.Pe));
    }

    return 0;
}));

var skeleton = new Command("skeleton", "regenerate the native skeleton of every interop project of nf.sln (its NativeSkeletonDirectory) with its .pe, in one MetadataProcessor run");
skeleton.SetAction(p => Guarded(paths =>
{
    var device = new DeviceBuild(paths, Log) { UpdateSkeletons = true };
    int count = 0;
    foreach (string nfproj in DeviceBuild.SolutionProjects(paths.Repo).Where(f => NfProject.Load(f).NativeSkeleton != null))
    {
        DeviceAssembly a = device.Build(nfproj);
        Console.WriteLine(a.Name + ": " + Path.GetRelativePath(paths.Repo, NfProject.Load(nfproj).NativeSkeleton) + " matches " + Path.GetRelativePath(paths.Repo, a.Pe));
        count++;
    }

    return count > 0 ? 0 : 1;
}));

var prepare = new Command("prepare", "build nanoCLR and the device tests' .pe files, saying what it does; exit 0 even when it cannot (the tests report it)");
prepare.SetAction(_ =>
{
    try
    {
        Paths paths = Paths.Find();
        string missing = paths.Missing ?? NativeBuild.MissingTools();
        if (missing != null)
        {
            Console.WriteLine("nanoclr: the device tests will skip on nanoCLR: " + missing);
            return 0;
        }

        NanoClrBinary clr = NativeBuild.Ensure(paths, NativeBuild.DefaultFlavor, Console.WriteLine);
        new DeviceBuild(paths, Console.WriteLine).Build(DeviceTests.TestProject(paths));
        Console.WriteLine("nanoclr: ready: " + NativeBuild.Describe(clr.Flavor) + " interpreter, device tests built (build/nf)");
    }
    catch (Exception e) when (e is BuildException or InvalidOperationException or IOException)
    {
        Console.WriteLine("nanoclr: not ready, the device tests on nanoCLR will fail: " + e.Message);
    }

    return 0;
});

var root = new RootCommand("nanoclr: build and run the firmware on nanoFramework's Linux interpreter") { test, run, build, skeleton, prepare };
return root.Parse(args).Invoke();

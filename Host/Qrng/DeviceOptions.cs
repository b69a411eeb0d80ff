using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Qrng.Firmware;
using Qrng.Model;
using Qrng.VirtualBoard;

namespace Qrng.Cli;

/// <summary>
/// The options every device command takes — where the device is (the in-process virtual board by default, --port,
/// --pty, --serial), its key, time-out and retries, and the virtual board's seed, configuration and faults — and the
/// opening of a <see cref="DeviceSession"/> from them.
/// </summary>
public sealed class DeviceOptions
{
    public const int DefaultBaud = 921600;

    public readonly Option<string> Port = new("--port") { HelpName = "DEV", Description = "the board on this serial port: its USB-UART adapter on GPIO17 (e.g. /dev/ttyUSB1, /dev/qrng-SERIAL), not the DevKitC's own USB port (nanoFramework's debugger). Default: the virtual board in this process" };
    public readonly Option<int> Baud = new("--baud") { HelpName = "N", Description = "serial baud rate with --port or --serial (the firmware's uart.baud)", DefaultValueFactory = _ => DefaultBaud };
    public readonly Option<bool> Pty = new("--pty") { Description = "the virtual board served on a pseudo-terminal by a thread of this process, reached through the serial code path (as --port would)" };
    public readonly Option<string> Serial = new("--serial") { HelpName = "S", Description = "the device whose INFO serial is S: with --port, checked; alone, found by probing the ports 'qrng list' probes (this sends bytes to each of them)" };
    public readonly Option<string> KeyFile = new("--key-file") { HelpName = "FILE", Description = "the device's HMAC key (device.hmac_key, 16-64 bytes in hex): every reply must carry a good HMAC-SHA256 over this session's nonce" };
    public readonly Option<double> Timeout = new("--timeout") { HelpName = "SECONDS", Description = "how long to wait for a reply, or for the next DATA byte (virtual board: on its emulated clock)", DefaultValueFactory = _ => DeviceSession.DefaultTimeoutMs / 1000.0 };
    public readonly Option<int> Retries = new("--retries") { HelpName = "N", Description = "how many times in a row a reply that lost frames (CRC mismatch, a gap in its part numbers) is asked for again", DefaultValueFactory = _ => DeviceSession.DefaultRetries };
    public readonly Option<int?> Seed = new("--seed") { HelpName = "N", Description = "virtual board: seed of its simulated physics (default: random, printed)" };
    public readonly Option<string> Config = new("--config") { HelpName = "FILE", Description = "virtual board: firmware configuration file (key = value lines; device.hmac_key provisions a key)" };
    public readonly Option<string> Sensor = new("--sensor") { HelpName = "FILE", Description = "virtual board: its sensor's physics (key = value lines: gain_k, mu_r, sigma_r, mu_dark, full_scale_electrons, led_full_electrons, adc_bits_out, dsnu, prnu, dnl, nonlinearity; docs/calibration.md). Default: the paper's chip" };
    public readonly Option<string[]> Fault = new("--fault") { HelpName = "KNOB", Description = "virtual board: switch on a fault knob from the first frame: " + string.Join(", ", VirtualArduCam.Knobs), AllowMultipleArgumentsPerToken = true };

    public DeviceOptions(double defaultTimeoutSeconds = DeviceSession.DefaultTimeoutMs / 1000.0)
    {
        Timeout.DefaultValueFactory = _ => defaultTimeoutSeconds;
    }

    public void AddTo(Command c)
    {
        foreach (Option o in new Option[] { Port, Baud, Pty, Serial, KeyFile, Timeout, Retries, Seed, Config, Sensor, Fault }) c.Options.Add(o);
    }

    private static bool Given(ParseResult p, Option o) => p.GetResult(o) is { Implicit: false };

    /// <summary>True when the command talks to a virtual board (in this process or on --pty).</summary>
    public bool Virtual(ParseResult p) => p.GetValue(Port) == null && p.GetValue(Serial) == null;

    /// <summary>Checks the options before any work: contradictions are bad input.</summary>
    public void Validate(ParseResult p)
    {
        string port = p.GetValue(Port);
        if (port != null && port.Length == 0) throw new ModelException("--port: empty device name");
        if (port != null && p.GetValue(Pty)) throw new ModelException("--pty serves a virtual board: drop --port (or --pty)");
        bool real = port != null || (p.GetValue(Serial) != null && !p.GetValue(Pty));
        if (real)
        {
            foreach (Option o in new Option[] { Fault, Seed, Config, Sensor })
                if (Given(p, o)) throw new ModelException($"{o.Name} does nothing with a real board (--port, --serial): it configures the virtual board, and a real board reads its configuration from its firmware");
        }
        else if (Given(p, Baud) && !p.GetValue(Pty))
        {
            throw new ModelException("--baud does nothing without --port or --serial: the in-process virtual board's UART has no baud rate");
        }

        if (p.GetValue(Serial) is { } s && s.Length == 0) throw new ModelException("--serial: empty serial");
        double t = p.GetValue(Timeout);
        if (!(t >= 0.1 && t <= 3600)) throw new ModelException($"--timeout: 0.1 to 3600 seconds, got {t.ToString(CultureInfo.InvariantCulture)}");
        int r = p.GetValue(Retries);
        if (r < 0 || r > 1000) throw new ModelException($"--retries: 0 to 1000, got {r}");
        SerialDevice.CheckBaud(p.GetValue(Baud));
        foreach (string f in p.GetValue(Fault) ?? []) StreamCommand.Apply(new VirtualArduCam(0, SensorParams.Paper, NoiseParams.None), f);
        if (p.GetValue(KeyFile) is { } k) ReadKey(k);
        if (p.GetValue(Config) is { } cf) LoadConfig(cf);
        if (p.GetValue(Sensor) is { } sf) SensorDescription.Load(sf);
    }

    /// <summary>A key file: hex digits (whitespace ignored), 16 to 64 bytes, as device.hmac_key takes them.</summary>
    public static byte[] ReadKey(string path)
    {
        InputFile.Check(path, "--key-file");
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ModelException($"cannot read --key-file {path}: {e.Message}"); }
        string hex = new(text.Where(c => !char.IsWhiteSpace(c)).ToArray());
        if (hex.Length % 2 != 0 || hex.Length < 32 || hex.Length > 128 || !hex.All(Uri.IsHexDigit))
            throw new ModelException($"--key-file {path}: expected 16 to 64 bytes in hex (like device.hmac_key), got {Math.Min(hex.Length, 200)} characters{(hex.All(Uri.IsHexDigit) ? "" : " that are not all hex digits")}");
        return Convert.FromHexString(hex);
    }

    private static FirmwareConfig LoadConfig(string path)
    {
        var cfg = new FirmwareConfig();
        InputFile.Check(path, "--config file");
        try { cfg.Apply(File.ReadAllText(path)); }
        catch (ConfigException e) { throw new ModelException($"{path}: {e.Message}"); }
        return cfg;
    }

    /// <summary>
    /// Opens the device the options name and enters command mode. The virtual board's seed goes to stderr (its
    /// bytes are a repeatable simulation). The result owns the session and, with --pty, the board's server.
    /// </summary>
    public Opened Open(ParseResult p)
    {
        byte[] key = p.GetValue(KeyFile) is { } k ? ReadKey(k) : null;
        int timeout = (int)Math.Round(p.GetValue(Timeout) * 1000), retries = p.GetValue(Retries), baud = p.GetValue(Baud);
        string port = p.GetValue(Port), serial = p.GetValue(Serial);
        if (port != null) return Check(new Opened(Enter(SerialLink.Open(port, baud), key, timeout, retries), null), serial);
        if (serial != null && !p.GetValue(Pty)) return new Opened(Find(serial, baud, key, timeout, retries), null);
        FirmwareConfig cfg = p.GetValue(Config) is { } cf ? LoadConfig(cf) : new FirmwareConfig();
        int seed = p.GetValue(Seed) ?? RandomNumberGenerator.GetInt32(int.MaxValue);
        string[] faults = p.GetValue(Fault) ?? [];
        SensorDescription sensor = p.GetValue(Sensor) is { } sf ? SensorDescription.Load(sf) : null;
        Console.Error.WriteLine($"virtual board seed {seed}: --seed {seed} repeats it (a seeded simulation: not secret)");
        if (p.GetValue(Pty))
        {
            var server = PtyBoard.Create(cfg, seed, faults, booted: true, sensor: sensor);
            try
            {
                server.Start();
                return Check(new Opened(Enter(SerialLink.Open(server.Path, baud), key, timeout, retries), server), serial);
            }
            catch
            {
                server.Dispose();
                throw;
            }
        }

        return Check(new Opened(Enter(VirtualLink.Boot(cfg, seed, faults, sensor), key, timeout, retries), null), serial);
    }

    private static Opened Check(Opened o, string serial)
    {
        try
        {
            CheckSerial(o.Session, serial);
            return o;
        }
        catch (DeviceException)
        {
            o.Dispose();
            throw;
        }
    }

    /// <summary>With <paramref name="serial"/>: the device's INFO serial must be it (NoDevice otherwise).</summary>
    internal static void CheckSerial(DeviceSession s, string serial)
    {
        if (serial == null) return;
        string found = DeviceSession.Value(s.Info(), "serial");
        if (found != serial) throw new DeviceException(QrngCli.NoDevice, $"{s.Name} has serial {found}, not {serial}");
    }

    /// <summary>A session in command mode on <paramref name="link"/> (closed again when that fails).</summary>
    public static DeviceSession Enter(IDeviceLink link, byte[] key, int timeoutMs, int retries)
    {
        var s = new DeviceSession(link, key, timeoutMs, retries);
        try
        {
            s.Enter();
            return s;
        }
        catch (DeviceGoneException e)
        {
            s.Dispose();
            throw new DeviceException(QrngCli.DeviceGone, $"lost {link.Name}: {e.Message} (unplugged?)");
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    /// <summary>The ports `qrng list` and --serial probe: QRNG_PORTS (paths or patterns, separated by spaces or colons) or the defaults.</summary>
    public const string DefaultPorts = "/dev/qrng-* /dev/ttyUSB* /dev/ttyACM*";

    public static List<(string Port, List<string> Names)> Candidates()
    {
        string spec = Environment.GetEnvironmentVariable("QRNG_PORTS");
        if (string.IsNullOrWhiteSpace(spec)) spec = DefaultPorts;
        var byDevice = new Dictionary<string, (string Port, List<string> Names)>();
        var order = new List<string>();
        foreach (string pattern in spec.Split([' ', ':', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string path in Expand(pattern))
            {
                if (Path.GetFileName(path) == "ptmx") continue;                 // the pty multiplexer (/dev/pts/*): never a port
                string real = path;
                try { real = File.ResolveLinkTarget(path, true)?.FullName ?? path; }
                catch (IOException) { }
                if (!byDevice.TryGetValue(real, out var entry))
                {
                    entry = (real, []);
                    byDevice[real] = entry;
                    order.Add(real);
                }

                if (path != real && !entry.Names.Contains(path)) entry.Names.Add(path);
            }
        }

        return order.Select(r => byDevice[r]).ToList();
    }

    private static IEnumerable<string> Expand(string pattern)
    {
        if (!pattern.Contains('*') && !pattern.Contains('?')) return File.Exists(pattern) || Path.Exists(pattern) ? [pattern] : [];
        string dir = Path.GetDirectoryName(pattern), name = Path.GetFileName(pattern);
        if (string.IsNullOrEmpty(dir) || !Directory.Exists(dir)) return [];
        try { return Directory.EnumerateFileSystemEntries(dir, name).Order(StringComparer.Ordinal).ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }

    /// <summary>One probe: attention, READY, HELLO, INFO; null (and why) when the port does not answer as a qrng.</summary>
    public static (DeviceSession Session, string Info, string Why) Probe(string port, int baud, byte[] key, int timeoutMs, int retries)
    {
        DeviceSession s;
        try
        {
            s = Enter(SerialLink.Open(port, baud), key, timeoutMs, retries);
        }
        catch (DeviceException e)
        {
            return (null, null, e.Message);
        }

        try
        {
            return (s, s.Info(), null);
        }
        catch (Exception e) when (e is DeviceException or DeviceGoneException)
        {
            s.Dispose();
            return (null, null, e is DeviceGoneException ? $"lost {port}: {e.Message}" : e.Message);
        }
    }

    internal static DeviceSession Find(string serial, int baud, byte[] key, int timeoutMs, int retries)
    {
        var probed = new List<string>();
        foreach (var (port, _) in Candidates())
        {
            var (s, info, _) = Probe(port, baud, key, Math.Min(timeoutMs, 3000), retries);
            probed.Add(port);
            if (s == null) continue;
            if (DeviceSession.Value(info, "serial") == serial)
            {
                s.TimeoutMs = timeoutMs;
                return s;
            }

            s.Dispose();                                             // back to the plain stream
        }

        throw new DeviceException(QrngCli.NoDevice, probed.Count == 0
            ? $"--serial {serial}: no serial port to probe ({Environment.GetEnvironmentVariable("QRNG_PORTS") ?? DefaultPorts})"
            : $"--serial {serial}: no device with that serial on {string.Join(", ", probed)}");
    }

    /// <summary>An open device: the session, and the pseudo-terminal board's server with --pty.</summary>
    public sealed class Opened(DeviceSession session, PtyBoard server) : IDisposable
    {
        public DeviceSession Session { get; } = session;
        public PtyBoard Server { get; } = server;

        public void Dispose()
        {
            Session.Dispose();
            Server?.Dispose();
        }
    }
}

using System.Globalization;

namespace Qrng.Benchmarks
{
    /// <summary>`--NAME [FRAMES] [--seed N]` of the long runs (--soak, --kernel-diff): one line on stderr and false when malformed.</summary>
    internal static class RunArgs
    {
        public static bool FramesAndSeed(string[] args, string flag, string name, int minimum, ref int frames, ref uint seed)
        {
            int at = Array.IndexOf(args, flag);
            if (at + 1 < args.Length && !args[at + 1].StartsWith("--", StringComparison.Ordinal))
            {
                if (!int.TryParse(args[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out frames) || frames < minimum)
                {
                    Console.Error.WriteLine($"{name}: FRAMES is a number of at least {minimum}");
                    return false;
                }
            }

            int s = Array.IndexOf(args, "--seed");
            if (s >= 0 && (s + 1 >= args.Length || !uint.TryParse(args[s + 1], NumberStyles.None, CultureInfo.InvariantCulture, out seed)))
            {
                Console.Error.WriteLine($"{name}: --seed takes a number");
                return false;
            }

            return true;
        }
    }
}

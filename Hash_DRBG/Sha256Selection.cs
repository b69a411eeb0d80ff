// Which SHA-256 Hash_DRBG uses, decided once: the native one of the interop assembly Qrng.Sha256.Native when the running
// image has it (a nanoCLR built with Sha256Native/native), the managed Sha256 otherwise (stock nanoFramework firmware,
// where the interop's methods throw NotSupportedException, and the host twin on .NET, where an InternalCall outside the
// runtime throws SecurityException). The power-up self-tests then run on the chosen path.
using System;

namespace Qrng.Crypto
{
    internal static class Sha256Selection
    {
        public const string NativeName = "native";
        public const string ManagedName = "managed";

        private static readonly PathChoice Choice = new PathChoice(Probe);

        /// <summary>True when the native SHA-256 answers (probed on first use, then fixed for the life of the program).</summary>
        public static bool Native
        {
            get { return Choice.Native; }
        }

        /// <summary>Why the managed path is used (the probe's exception type), or "" on the native path.</summary>
        public static string ManagedReason
        {
            get { return Choice.ManagedReason; }
        }

        // One call of the smallest entry point (SHA-256 of the empty string): throws when the image has no native code.
        // Whether its answer is right is for the known-answer tests, which then run on this path.
        private static string Probe()
        {
            byte[] digest = new byte[Sha256.DigestLength];
            try
            {
                Sha256Native.Hash(-1, digest, 0, digest, 0, digest, 0);
                return null;
            }
            catch (Exception e)
            {
                return e.GetType().Name;
            }
        }
    }

    /// <summary>
    /// A native-or-managed path chosen once, on first use, and never changed: native when the probe returns null, else
    /// managed, with the probe's reason (SHA-256 for Hash_DRBG, CRC-32 for the protocol, the frame kernel for the engine).
    /// </summary>
    public sealed class PathChoice
    {
        /// <summary>Null when the native code answers as it must; otherwise why not.</summary>
        public delegate string Probe();

        private readonly Probe _probe;
        private int _decision;                           // 0: not yet, 1: native, 2: managed
        private string _reason = "";

        /// <summary>A choice that calls <paramref name="probe"/> on first use.</summary>
        public PathChoice(Probe probe)
        {
            _probe = probe;
        }

        /// <summary>True on the native path (the first read probes).</summary>
        public bool Native
        {
            get
            {
                if (_decision == 0)
                {
                    string why = _probe();
                    _reason = why == null ? "" : why;
                    _decision = why == null ? 1 : 2;
                }

                return _decision == 1;
            }
        }

        /// <summary>Why the managed path is used, or "" on the native path.</summary>
        public string ManagedReason
        {
            get { return Native ? "" : _reason; }
        }
    }
}

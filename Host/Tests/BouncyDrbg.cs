using System;
using System.Collections.Generic;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Prng.Drbg;

namespace Qrng.Host.Tests
{
    /// <summary>
    /// BouncyCastle 2.7.0 HashSP800Drbg (SHA-256, strength 256) driven with explicit entropy, as the reference.
    /// Absent inputs are passed as null: BouncyCastle hashes a zero-length additional input, the standard does not.
    /// </summary>
    public sealed class BouncyDrbg
    {
        private readonly QueueEntropy _entropy = new();
        private readonly HashSP800Drbg _drbg;

        public BouncyDrbg(byte[] entropy, byte[] nonce, byte[] perso)
        {
            _entropy.Next.Enqueue(entropy);
            _drbg = new HashSP800Drbg(new Sha256Digest(), 256, _entropy, perso, nonce);
        }

        public void Reseed(byte[] entropy, byte[] additional)
        {
            _entropy.Next.Enqueue(entropy);
            _drbg.Reseed(Absent(additional));
        }

        public byte[] Generate(int count, byte[] additional)
        {
            var output = new byte[count];
            if (count > 0 && _drbg.Generate(output, 0, count, Absent(additional), false) < 0)
            {
                throw new InvalidOperationException("BouncyCastle asks for a reseed");
            }

            return output;
        }

        private static byte[] Absent(byte[] input) => input is { Length: > 0 } ? input : null;

        private sealed class QueueEntropy : IEntropySource
        {
            public Queue<byte[]> Next { get; } = new();

            public bool IsPredictionResistant => false;

            public int EntropySize => Next.Peek().Length * 8;

            public byte[] GetEntropy() => Next.Dequeue();

            public int GetEntropy(Span<byte> output)
            {
                byte[] e = Next.Dequeue();
                e.CopyTo(output);
                return e.Length;
            }
        }
    }
}

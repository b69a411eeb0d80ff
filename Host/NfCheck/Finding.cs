namespace Qrng.NfCheck
{
    /// <summary>One problem: where, which rule, what to do.</summary>
    public sealed record Finding(string File, int Line, string Rule, string Message)
    {
        public override string ToString() => $"{File}:{Line}: {Rule} {Message}";
    }
}

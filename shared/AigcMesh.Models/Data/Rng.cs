namespace AigcMesh.Models.Data;

/// <summary>SplitMix64: a tiny, portable generator whose whole state is one number (so it is trivially checkpointed).</summary>
internal struct SplitMix64(ulong state)
{
    public ulong State = state;

    public ulong Next()
    {
        var z = State += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, bound).</summary>
    public long NextLong(long bound) => (long)(Next() % (ulong)bound);

    /// <summary>A generator for one purpose (for example one step's batch) derived from a seed, independent of others.</summary>
    public static SplitMix64 For(long seed, long stream, long index)
    {
        var mixer = new SplitMix64((ulong)seed);
        mixer.State ^= new SplitMix64((ulong)stream * 0x632BE59BD9B4E019UL).Next();
        mixer.State ^= new SplitMix64((ulong)index + 0x5851F42D4C957F2DUL).Next();
        return mixer;
    }
}

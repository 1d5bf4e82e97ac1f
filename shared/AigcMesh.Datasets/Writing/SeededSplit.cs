namespace AigcMesh.Datasets.Writing;

/// <summary>
/// A deterministic train/validation/test assignment of n items from a seed: a Fisher-Yates shuffle driven by
/// SplitMix64 (fixed forever, unlike System.Random), the first items to test, the next to validation, the rest
/// to train; each split keeps the items' original order.
/// </summary>
public sealed record SeededSplit(int[] Train, int[] Validation, int[] Test)
{
    public static SeededSplit Create(int count, double validationFraction, double testFraction, int seed)
    {
        if (validationFraction < 0 || testFraction < 0 || validationFraction + testFraction >= 1)
        {
            throw new InvalidDatasetSourceException(
                $"Validation and test fractions must be at least 0 and add up to less than 1 (got {validationFraction} and {testFraction}).");
        }
        var testCount = (int)Math.Round(count * testFraction, MidpointRounding.AwayFromZero);
        var validationCount = (int)Math.Round(count * validationFraction, MidpointRounding.AwayFromZero);
        if (testCount + validationCount > count) validationCount = count - testCount;

        var order = new int[count];
        for (var i = 0; i < count; i++) order[i] = i;
        var state = (ulong)(uint)seed;
        for (var i = count - 1; i > 0; i--)
        {
            var j = (int)(NextRandom(ref state) % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        var test = order[..testCount];
        var validation = order[testCount..(testCount + validationCount)];
        var train = order[(testCount + validationCount)..];
        Array.Sort(test);
        Array.Sort(validation);
        Array.Sort(train);
        return new SeededSplit(train, validation, test);
    }

    public int[] Of(DatasetSplit split) => split switch
    {
        DatasetSplit.Train => Train,
        DatasetSplit.Validation => Validation,
        _ => Test,
    };

    public static IReadOnlyList<DatasetSplit> All { get; } = [DatasetSplit.Train, DatasetSplit.Validation, DatasetSplit.Test];

    /// <summary>SplitMix64 (Steele, Lea and Flood 2014).</summary>
    private static ulong NextRandom(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

namespace AigcMesh.Evaluation.Metrics;

/// <summary>Feature vectors, one row per sample (row-major <see cref="Count"/> x <see cref="Dimension"/>).</summary>
public sealed record FeatureMatrix(int Count, int Dimension, float[] Values)
{
    public static FeatureMatrix FromRows(IReadOnlyList<double[]> rows)
    {
        if (rows.Count == 0) throw new ArgumentException("At least one row is needed.", nameof(rows));
        var d = rows[0].Length;
        var values = new float[rows.Count * d];
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != d) throw new ArgumentException("Every row needs the same length.", nameof(rows));
            for (var j = 0; j < d; j++) values[i * d + j] = (float)rows[i][j];
        }
        return new FeatureMatrix(rows.Count, d, values);
    }

    public ReadOnlySpan<float> Row(int i) => Values.AsSpan(i * Dimension, Dimension);
}

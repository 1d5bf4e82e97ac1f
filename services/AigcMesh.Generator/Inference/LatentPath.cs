namespace AigcMesh.Generator.Inference;

/// <summary>Latent vectors along the spherical path between two latents (White, 2016), ends included.</summary>
public static class LatentPath
{
    public static IReadOnlyList<float[]> Slerp(float[] from, float[] to, int steps)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), "An interpolation needs at least 2 steps.");
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < from.Length; i++) { dot += from[i] * to[i]; na += from[i] * from[i]; nb += to[i] * to[i]; }
        var omega = Math.Acos(Math.Clamp(dot / Math.Sqrt(na * nb), -1, 1));
        var path = new List<float[]>(steps);
        for (var s = 0; s < steps; s++)
        {
            var t = s / (double)(steps - 1);
            var (wa, wb) = omega < 1e-6 ? (1 - t, t) : (Math.Sin((1 - t) * omega) / Math.Sin(omega), Math.Sin(t * omega) / Math.Sin(omega));
            path.Add(from.Select((v, i) => (float)(wa * v + wb * to[i])).ToArray());
        }
        return path;
    }
}

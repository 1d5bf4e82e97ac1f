using AigcMesh.Models.Data;

namespace AigcMesh.Models.Inference;

/// <summary>
/// Picks the next token from logits: temperature scaling, then top-k (keep the k likeliest), then nucleus top-p
/// (keep the smallest set of likeliest tokens whose probability reaches p; Holtzman et al., 2020), then one draw
/// from a seeded generator. Temperature 0 is greedy. The same seed gives the same picks.
/// </summary>
public sealed class TokenSampler
{
    private readonly double _temperature;
    private readonly int _topK;
    private readonly double _topP;
    private SplitMix64 _random;

    public TokenSampler(double temperature = 1.0, int topK = 0, double topP = 1.0, long seed = 0)
    {
        if (!double.IsFinite(temperature) || temperature < 0) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "Temperature must be a finite number >= 0.");
        if (topK < 0) throw new ArgumentOutOfRangeException(nameof(topK), topK, "top-k must be >= 0 (0 keeps every token).");
        if (!(topP > 0 && topP <= 1)) throw new ArgumentOutOfRangeException(nameof(topP), topP, "top-p must be in (0, 1] (1 keeps every token).");
        (_temperature, _topK, _topP) = (temperature, topK, topP);
        _random = SplitMix64.For(seed, 3, 0);
    }

    public int Pick(ReadOnlySpan<float> logits)
    {
        if (logits.Length == 0) throw new ArgumentException("No logits to pick from.", nameof(logits));
        if (_temperature == 0) return ArgMax(logits);

        // Likeliest first (ties by id, so the order does not depend on the sort).
        var order = new int[logits.Length];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        var values = logits.ToArray();
        Array.Sort(order, (a, b) => values[b] != values[a] ? values[b].CompareTo(values[a]) : a.CompareTo(b));

        var kept = _topK > 0 ? Math.Min(_topK, order.Length) : order.Length;
        var probabilities = new double[kept];
        double max = values[order[0]], total = 0;
        for (var i = 0; i < kept; i++) total += probabilities[i] = Math.Exp((values[order[i]] - max) / _temperature);

        if (_topP < 1)
        {
            double cumulative = 0;
            for (var i = 0; i < kept; i++)
            {
                cumulative += probabilities[i] / total;
                if (cumulative >= _topP) { kept = i + 1; break; }
            }
            total = probabilities.AsSpan(0, kept).ToArray().Sum();
        }

        var u = _random.NextDouble() * total;
        for (var i = 0; i < kept; i++)
        {
            u -= probabilities[i];
            if (u < 0) return order[i];
        }
        return order[kept - 1];
    }

    private static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}

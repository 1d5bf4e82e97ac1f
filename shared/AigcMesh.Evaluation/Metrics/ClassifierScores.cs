namespace AigcMesh.Evaluation.Metrics;

/// <summary>Scores computed from a classifier's class probabilities of generated images.</summary>
public static class ClassifierScores
{
    /// <summary>
    /// Inception score (Salimans et al., 2016) with the domain classifier: exp(E_x KL(p(y|x) || p(y))), where p(y) is
    /// the mean of p(y|x) over the set. 1 (every image the same class mix) up to the class count (confident and
    /// balanced). <paramref name="probabilities"/> holds one row of <paramref name="classes"/> probabilities per image.
    /// </summary>
    public static double InceptionScore(float[] probabilities, int classes)
    {
        var n = probabilities.Length / classes;
        if (n == 0 || n * classes != probabilities.Length) throw new ArgumentException("Expected whole rows of class probabilities.");
        var marginal = new double[classes];
        for (var i = 0; i < n; i++)
            for (var c = 0; c < classes; c++) marginal[c] += probabilities[i * classes + c] / (double)n;
        double kl = 0;
        for (var i = 0; i < n; i++)
            for (var c = 0; c < classes; c++)
            {
                var p = (double)probabilities[i * classes + c];
                if (p > 0) kl += p * (Math.Log(p) - Math.Log(marginal[c]));
            }
        return Math.Exp(kl / n);
    }

    /// <summary>Accuracy per class of predicted labels against requested labels (classes never requested are left out).</summary>
    public static IReadOnlyDictionary<int, double> PerClassAccuracy(IReadOnlyList<int> requested, IReadOnlyList<int> predicted)
    {
        if (requested.Count != predicted.Count) throw new ArgumentException("One prediction per requested label is needed.");
        return requested.Select((label, i) => (label, hit: predicted[i] == label))
            .GroupBy(p => p.label)
            .OrderBy(g => g.Key)
            .ToDictionary(g => g.Key, g => g.Count(p => p.hit) / (double)g.Count());
    }

    /// <summary>The class with the highest probability per row.</summary>
    public static int[] ArgMax(float[] probabilities, int classes)
    {
        var n = probabilities.Length / classes;
        var result = new int[n];
        for (var i = 0; i < n; i++)
        {
            var best = 0;
            for (var c = 1; c < classes; c++)
                if (probabilities[i * classes + c] > probabilities[i * classes + best]) best = c;
            result[i] = best;
        }
        return result;
    }
}

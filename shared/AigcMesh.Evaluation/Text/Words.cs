using System.Text.RegularExpressions;

namespace AigcMesh.Evaluation.Text;

/// <summary>Word tokens for n-gram metrics: runs of letters/digits, and each punctuation mark alone, lower-cased.</summary>
public static partial class Words
{
    public static string[] Of(string text) =>
        WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value).ToArray();

    public static IEnumerable<string> NGrams(IReadOnlyList<string> words, int n)
    {
        for (var i = 0; i + n <= words.Count; i++) yield return string.Join('\u0001', words.Skip(i).Take(n));
    }

    [GeneratedRegex(@"[\p{L}\p{N}']+|[^\p{L}\p{N}\s]")]
    private static partial Regex WordPattern();
}

using System.Security.Cryptography;
using System.Text;
using AigcMesh.Contracts.Datasets;
using AigcMesh.Models;

namespace AigcMesh.Trainer.Runs;

/// <summary>
/// What the trainer reads from a run's hyperparameters itself rather than passing to the family: the tokenization of a
/// text data set ("tokenizer" = bpe | char, default bpe), which a family may or may not accept as its own key.
/// </summary>
public static class RunHyperparameters
{
    public const string TokenizerKey = "tokenizer";
    public const string DefaultTokenizer = "bpe";
    public static readonly IReadOnlyList<string> Tokenizers = ["bpe", "char"];

    /// <summary>The family's own hyperparameters and, for text families, the tokenizer to open the data set with.</summary>
    public static (IReadOnlyDictionary<string, string> Family, string? Tokenizer) Split(string family, IReadOnlyDictionary<string, string> hyperparameters)
    {
        if (ModelFamilies.ModalityOf(family) != DatasetModality.Text) return (hyperparameters, null);
        var tokenizer = hyperparameters.GetValueOrDefault(TokenizerKey) ?? DefaultTokenizer;
        if (!hyperparameters.ContainsKey(TokenizerKey) || FamilyAcceptsTokenizer(family, tokenizer)) return (hyperparameters, tokenizer);
        return (hyperparameters.Where(p => p.Key != TokenizerKey).ToDictionary(), tokenizer);
    }

    private static bool FamilyAcceptsTokenizer(string family, string tokenizer) =>
        !ModelFamilies.Validate(family, new Dictionary<string, string> { [TokenizerKey] = tokenizer })
            .Any(e => e.StartsWith(TokenizerKey, StringComparison.Ordinal));

    /// <summary>A run's model id: the same run always registers the same model, so a re-registration after a takeover is idempotent.</summary>
    public static Guid ModelIdOf(Guid runId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"aigcmesh-model:{runId:N}"));
        return new Guid(hash.AsSpan(0, 16));
    }
}

using AigcMesh.Evaluation.Text;

namespace AigcMesh.Evaluator.Tests.Text;

public sealed class Text_metrics
{
    private static IReadOnlyList<string> W(string s) => Words.Of(s);

    [Fact]
    public void Bleu_is_one_for_an_exact_match_and_falls_with_fewer_shared_ngrams()
    {
        var reference = W("the cat sat on the mat with a hat");

        Assert.Equal(1, Bleu.Sentence(reference, [reference]), 9);
        var close = Bleu.Sentence(W("the cat sat on the mat with the hat"), [reference]);
        var far = Bleu.Sentence(W("a dog ran in a park"), [reference]);
        Assert.True(close > far && close < 1 && far >= 0, $"close {close}, far {far}");
    }

    [Fact]
    public void Corpus_bleu_matches_a_hand_computed_value()
    {
        // Unigram..4-gram matches 5/6, 3/5, 1/4, 0/3 -> 0 unsmoothed; with maxN 2: sqrt(5/6 * 3/5), no brevity penalty.
        var bleu = Bleu.Corpus([W("a b c d e f")], [[W("a b c x e f")]], maxN: 2);

        Assert.Equal(Math.Sqrt(5 / 6.0 * 3 / 5.0), bleu, 9);
    }

    [Fact]
    public void Rouge_l_is_the_f1_of_the_longest_common_subsequence()
    {
        // LCS("a b c d", "a c d e f") = 3: precision 3/4, recall 3/5.
        var expected = 2 * 0.75 * 0.6 / (0.75 + 0.6);

        Assert.Equal(expected, RougeL.Score(W("a b c d"), [W("a c d e f"), W("z")]), 9);
    }

    [Fact]
    public void Distinct_self_bleu_and_repetition_tell_varied_from_repetitive_text()
    {
        var varied = new[] { "the quick brown fox jumps", "a lazy dog sleeps all day", "rain falls on green hills" }.Select(W).ToList();
        var repetitive = new[] { "the cat the cat the cat the cat the cat", "the cat the cat the cat the cat the cat" }.Select(W).ToList();

        Assert.Equal(1, TextDiversity.Distinct(varied, 1));
        Assert.True(TextDiversity.Distinct(repetitive, 2) < 0.2);
        Assert.True(TextDiversity.SelfBleu(repetitive) > 0.9 && TextDiversity.SelfBleu(varied) < 0.1);
        Assert.Equal(0, TextDiversity.MeanRepetitionRate(varied));
        Assert.True(TextDiversity.MeanRepetitionRate(repetitive) > 0.7);
    }

    [Fact]
    public void Compressors_spend_fewer_bits_on_text_like_the_training_text()
    {
        var training = string.Concat(Enumerable.Repeat("the rain in spain stays mainly in the plain. ", 200));
        var similar = string.Concat(Enumerable.Repeat("the rain in spain stays mainly in the plain. ", 5));
        var random = new Random(1);
        var noise = new string(Enumerable.Range(0, similar.Length).Select(_ => (char)('a' + random.Next(26))).ToArray());

        var onSimilar = CompressorBaselines.Measure(training, similar);
        var onNoise = CompressorBaselines.Measure(training, noise);

        Assert.Equal(["gzip", "xz", "zstd"], onSimilar.Select(c => c.Compressor));
        foreach (var (s, n) in onSimilar.Zip(onNoise))
        {
            Assert.True(s.BitsPerCharacter < 0.5, $"{s.Compressor} on seen text: {s.BitsPerCharacter}");
            Assert.True(n.BitsPerCharacter > 4.0 && n.BitsPerCharacter < 6.5, $"{n.Compressor} on noise: {n.BitsPerCharacter} (log2 26 = 4.70)");
        }
    }
}

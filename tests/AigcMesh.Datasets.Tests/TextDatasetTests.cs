using AigcMesh.Contracts.Datasets;
using AigcMesh.Datasets.BuiltIn;
using AigcMesh.Datasets.Tokenizers;
using AigcMesh.Datasets.Writing;

namespace AigcMesh.Datasets.Tests;

public sealed class TextDatasetTests
{
    [Fact]
    public async Task The_built_in_corpus_opens_with_tokens_that_decode_to_each_split_text()
    {
        using var temp = new TempStore();
        var id = await BuiltInDatasets.ImportSyntheticTextAsync(temp.Store);

        foreach (var kind in new[] { "bpe", "char" })
        {
            using var dataset = DatasetReader.OpenText(temp.Store, id, kind);
            Assert.Equal(kind, dataset.Tokenizer.Kind);
            foreach (var split in new[] { DatasetSplit.Train, DatasetSplit.Validation })
            {
                var tokens = new int[dataset.TokenCount(split)];
                dataset.Read(split, 0, tokens);
                Assert.NotEmpty(tokens);
                Assert.Equal(dataset.ReadText(split), dataset.Tokenizer.Decode(tokens));
            }
        }
        Assert.True(BuiltInCorpus.Text.Length > 15_000);
    }

    [Fact]
    public async Task Bpe_has_the_requested_vocabulary_and_fewer_tokens_than_characters()
    {
        using var temp = new TempStore();
        var id = await BuiltInDatasets.ImportSyntheticTextAsync(temp.Store, new DatasetImportOptions(BpeVocabularySize: 300));
        using var bpe = DatasetReader.OpenText(temp.Store, id);
        using var chars = DatasetReader.OpenText(temp.Store, id, "char");

        Assert.Equal(300, bpe.Tokenizer.VocabularySize);
        Assert.True(bpe.TokenCount(DatasetSplit.Train) < chars.TokenCount(DatasetSplit.Train) * 0.7);
    }

    [Fact]
    public void A_stored_tokenizer_round_trips_and_encodes_the_same()
    {
        var text = BuiltInCorpus.Text;
        var tokenizer = BpeTrainer.Train(CharTokenizer.AlphabetOf(text), text, 400);
        var loaded = TokenizerJson.Deserialize(TokenizerJson.Serialize(tokenizer));

        const string sample = "The fox said, \"Those grapes are sour.\"\n\nSlow and steady wins the race.";
        Assert.Equal(tokenizer.Encode(sample), loaded.Encode(sample));
        Assert.Equal(sample, loaded.Decode(loaded.Encode(sample)));
        Assert.Equal(400, loaded.VocabularySize);
    }

    [Fact]
    public void Characters_outside_the_alphabet_become_the_unknown_token()
    {
        var tokenizer = BpeTrainer.Train("ab ", "ab ab ab", 10);
        Assert.Equal(0, tokenizer.Encode("z")[0]);
        Assert.Equal("\uFFFD", tokenizer.Decode([0]));
    }

    [Fact]
    public void Text_is_normalised_to_nfc_with_unix_line_ends()
    {
        Assert.Equal("caf\u00e9\nok", TextNormalizer.Normalize("\uFEFFcafe\u0301\r\nok  "));
    }

    [Fact]
    public void An_empty_corpus_is_refused_and_nothing_is_stored()
    {
        using var temp = new TempStore();
        var error = Assert.Throws<InvalidDatasetSourceException>(() =>
            new DatasetWriter(temp.Store).WriteText(["   ", "\n\n"], new DatasetImportOptions(), "test"));
        Assert.Contains("empty", error.Message);
        Assert.Equal(0, temp.ArtifactCount);
        Assert.Equal(0, temp.TemporaryFileCount);
    }

    [Fact]
    public void Invalid_utf8_is_refused_with_its_offset()
    {
        var error = Assert.Throws<InvalidDatasetSourceException>(() => TextNormalizer.DecodeUtf8([0x41, 0x42, 0xC3, 0x28], "upload"));
        Assert.Contains("not valid UTF-8", error.Message);
    }

    [Fact]
    public async Task The_same_corpus_stored_twice_gives_the_same_id()
    {
        using var temp = new TempStore();
        var first = await BuiltInDatasets.WriteSyntheticTextAsync(temp.Store);
        var count = temp.ArtifactCount;
        var second = await BuiltInDatasets.WriteSyntheticTextAsync(temp.Store);
        Assert.Equal(first.DatasetId, second.DatasetId);
        Assert.True(second.AlreadyExisted);
        Assert.Equal(count, temp.ArtifactCount);
    }
}

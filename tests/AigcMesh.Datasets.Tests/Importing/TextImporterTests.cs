using System.Text;
using AigcMesh.Contracts.Datasets;
using AigcMesh.Datasets.BuiltIn;
using AigcMesh.Datasets.Importing;

namespace AigcMesh.Datasets.Tests.Importing;

public sealed class TextImporterTests
{
    private static readonly ImportLimits Limits = new();

    private static SourceFile Text(string name, string text) => TestFiles.InMemory(name, Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Fortune_records_are_split_at_lines_holding_only_a_percent_sign()
    {
        var records = new TextImporter(Limits).Read(DatasetSourceKind.FortuneText, [Text("f", "one\nline two\n%\n100% sure\n%\nthree\n%\n")]);
        Assert.Equal(["one\nline two", "100% sure", "three"], records);
    }

    [Fact]
    public void Plain_text_records_are_paragraphs()
    {
        var records = new TextImporter(Limits).Read(DatasetSourceKind.PlainText, [Text("a.txt", "First para\nstill first.\n\n  \nSecond.\r\n\r\nThird.")]);
        Assert.Equal(["First para\nstill first.", "Second.", "Third."], records);
    }

    [Fact]
    public void Json_lines_records_are_the_named_field()
    {
        var records = new TextImporter(Limits).Read(DatasetSourceKind.JsonLines, [Text("a.jsonl", "{\"body\":\"hello\",\"n\":1}\n\n{\"body\":\"w\\u00f6rld\"}\n")], "body");
        Assert.Equal(["hello", "wörld"], records);
    }

    [Fact]
    public async Task Real_fortune_files_import_with_both_tokenizations()
    {
        using var temp = new TempStore();
        var files = new[] { "debian", "linuxcookie" }.Select(f => SourceFile.FromDisk(Path.Combine(TestFiles.Fortunes, f))).ToList();
        var result = await new DatasetImporter(temp.Store, Limits).ImportAsync(DatasetSourceKind.FortuneText, files, new DatasetImportOptions(BpeVocabularySize: 300));

        using var text = DatasetReader.OpenText(temp.Store, result.DatasetId);
        Assert.Equal(300, text.Tokenizer.VocabularySize);
        Assert.True(result.Manifest.Statistics.Splits.Sum(s => s.Count) > 100);
        Assert.Contains("Debian", text.ReadText(DatasetSplit.Train));
    }

    public static TheoryData<DatasetSourceKind, string, string> BadText() => new()
    {
        { DatasetSourceKind.PlainText, Convert.ToBase64String([0x48, 0x69, 0xff, 0xfe, 0x21]), "not valid UTF-8" },
        { DatasetSourceKind.FortuneText, Convert.ToBase64String("%\n%\n  \n%\n"u8.ToArray()), "empty" },
        { DatasetSourceKind.PlainText, "", "empty" },
        { DatasetSourceKind.JsonLines, Convert.ToBase64String("{\"text\":\"a\"}\n{\"other\":\"b\"}\n"u8.ToArray()), "line 2 has no field 'text'" },
        { DatasetSourceKind.JsonLines, Convert.ToBase64String("{\"text\":\"a\"}\n{\"text\":7}\n"u8.ToArray()), "not a string" },
        { DatasetSourceKind.JsonLines, Convert.ToBase64String("{\"text\":\"a\"\n"u8.ToArray()), "line 1 is not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(BadText))]
    public void Bad_text_is_refused_naming_the_cause_and_leaves_nothing(DatasetSourceKind kind, string content, string cause)
    {
        using var temp = new TempStore();
        var error = Assert.Throws<InvalidDatasetSourceException>(() => new DatasetImporter(temp.Store, Limits)
            .Import(kind, [TestFiles.InMemory("corpus", Convert.FromBase64String(content))], new DatasetImportOptions()));
        Assert.Contains(cause, error.Message);
        Assert.Equal(0, temp.ArtifactCount);
    }

    [Fact]
    public void Text_over_the_size_limit_is_refused()
    {
        var error = Assert.Throws<InvalidDatasetSourceException>(() =>
            new TextImporter(new ImportLimits { MaxDecodedBytes = 10 }).Read(DatasetSourceKind.PlainText, [Text("big", new string('a', 11))]));
        Assert.Contains("limit", error.Message);
    }

    [Fact]
    public async Task The_built_in_sets_import_through_the_importer_with_the_same_ids_as_the_library_helpers()
    {
        using var temp = new TempStore();
        var importer = new DatasetImporter(temp.Store, Limits);
        var images = importer.Import(DatasetSourceKind.SyntheticImages, [], new DatasetImportOptions());
        var text = importer.Import(DatasetSourceKind.SyntheticText, [], new DatasetImportOptions(BpeVocabularySize: 256));

        Assert.Equal(await BuiltInDatasets.ImportSyntheticImagesAsync(temp.Store), images.DatasetId);
        Assert.Equal(await BuiltInDatasets.ImportSyntheticTextAsync(temp.Store), text.DatasetId);
    }
}

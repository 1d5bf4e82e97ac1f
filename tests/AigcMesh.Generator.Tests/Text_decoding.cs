using AigcMesh.Datasets.Tokenizers;
using AigcMesh.Generator.Inference;

namespace AigcMesh.Generator.Tests;

public sealed class Text_decoding
{
    private static readonly CharTokenizer Tokenizer = new("abcdefghijklmnopqrstuvwxyz .\n");

    private static (List<string> Pieces, StopTextDecoder Decoder) Feed(string text, params string[] stops)
    {
        var decoder = new StopTextDecoder(Tokenizer, stops);
        var pieces = new List<string>();
        foreach (var id in Tokenizer.Encode(text))
        {
            pieces.Add(decoder.Push(id));
            if (decoder.Stopped) break;
        }
        pieces.Add(decoder.Finish());
        return (pieces, decoder);
    }

    [Fact]
    public void Sampling_stops_at_the_first_stop_string_and_it_is_never_sent()
    {
        var (pieces, decoder) = Feed("the cat sat. the dog ran.", ". the d", "zz");

        Assert.True(decoder.Stopped);
        Assert.Equal("the cat sat", decoder.Text);
        Assert.Equal("the cat sat", string.Concat(pieces));
    }

    [Fact]
    public void Text_that_could_start_a_stop_string_is_held_back_until_it_cannot()
    {
        var decoder = new StopTextDecoder(Tokenizer, ["\n\n"]);
        var ids = Tokenizer.Encode("ab\nc");
        Assert.Equal("a", decoder.Push(ids[0]));
        Assert.Equal("b", decoder.Push(ids[1]));
        Assert.Equal("", decoder.Push(ids[2]));      // "\n" might begin "\n\n"
        Assert.Equal("\nc", decoder.Push(ids[3]));   // it did not
        Assert.False(decoder.Stopped);
    }

    [Fact]
    public void Without_stop_strings_every_token_is_sent_as_it_comes()
    {
        var (pieces, decoder) = Feed("hello world");
        Assert.Equal("hello world", string.Concat(pieces));
        Assert.Equal(11, decoder.TokenCount);
        Assert.All(pieces.Take(11), p => Assert.Single(p));
    }
}

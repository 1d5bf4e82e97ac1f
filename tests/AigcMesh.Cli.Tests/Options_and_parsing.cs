using AigcMesh.Cli.Commands;
using AigcMesh.Client;

namespace AigcMesh.Cli.Tests;

public sealed class Options_and_parsing
{
    [Fact]
    public void The_gateway_and_key_come_from_options_then_the_environment_then_the_default()
    {
        var environment = new Dictionary<string, string?> { ["AIGC_GATEWAY_URL"] = "http://gateway.example:9000", ["AIGC_API_KEY"] = "from-env" };
        var fromEnvironment = AigcClientOptions.Resolve(null, null, n => environment.GetValueOrDefault(n));
        Assert.Equal(new Uri("http://gateway.example:9000/"), fromEnvironment.GatewayAddress);
        Assert.Equal("from-env", fromEnvironment.ApiKey);

        var fromOptions = AigcClientOptions.Resolve("https://other:8443/base", "from-option", n => environment.GetValueOrDefault(n));
        Assert.Equal(new Uri("https://other:8443/base/"), fromOptions.GatewayAddress);
        Assert.Equal("from-option", fromOptions.ApiKey);

        var defaults = AigcClientOptions.Resolve(null, "  ", _ => null);
        Assert.Equal(AigcClientOptions.DefaultGatewayAddress, defaults.GatewayAddress);
        Assert.Null(defaults.ApiKey);

        Assert.Throws<ArgumentException>(() => AigcClientOptions.Resolve("ftp://nope", null, _ => null));
    }

    [Theory]
    [InlineData("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", "idx")]
    [InlineData("shapes.zip", "image-folder")]
    [InlineData("quotes.jsonl", "json-lines")]
    [InlineData("/usr/share/games/fortunes/science", "fortune")]
    [InlineData("book.txt", "plain-text")]
    public void Guesses_the_import_format_from_the_file_name(string path, string kind) =>
        Assert.Equal(kind, DatasetCommands.KindOf(null, path));

    [Fact]
    public void Asks_for_the_format_when_the_name_does_not_tell() =>
        Assert.Contains("--kind", Assert.Throws<CliException>(() => DatasetCommands.KindOf(null, "data.bin")).Message);
}

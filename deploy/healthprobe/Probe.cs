namespace AigcMesh.HealthProbe;

/// <summary>
/// GETs one health URL (the first argument, else HEALTHCHECK_URL, else http://127.0.0.1:8080/health/ready) and
/// exits 0 on a 2xx answer, 1 otherwise. Docker's HEALTHCHECK and Kubernetes exec probes run it.
/// </summary>
public static class Probe
{
    public const string DefaultUrl = "http://127.0.0.1:8080/health/ready";
    public const string UrlVariable = "HEALTHCHECK_URL";

    public static async Task<int> RunAsync(string[] args, TextWriter error, TimeSpan? timeout = null)
    {
        var url = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable(UrlVariable) ?? DefaultUrl;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            await error.WriteLineAsync($"healthprobe: '{url}' is not an http(s) URL.");
            return 2;
        }
        using var http = new HttpClient { Timeout = timeout ?? TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead);
            if (response.IsSuccessStatusCode)
            {
                return 0;
            }
            await error.WriteLineAsync($"healthprobe: {uri} answered {(int)response.StatusCode}.");
            return 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await error.WriteLineAsync($"healthprobe: {uri} did not answer: {e.Message}");
            return 1;
        }
    }
}

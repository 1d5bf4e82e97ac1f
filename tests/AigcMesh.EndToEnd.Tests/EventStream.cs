using System.Diagnostics;
using System.Text;

namespace AigcMesh.EndToEnd.Tests;

/// <summary>One Server-Sent Event as the client received it, with the moment it arrived (on the test's clock).</summary>
public sealed record ServerSentEvent(string Type, string Data, TimeSpan ReceivedAt);

/// <summary>
/// A client of a text/event-stream response, read in the background line by line as the bytes arrive: each event is
/// stamped with its arrival time, so a test can tell events that came one by one from events that came in one burst.
/// </summary>
public sealed class EventStream : IAsyncDisposable
{
    private readonly HttpClient http;
    private readonly HttpResponseMessage response;
    private readonly CancellationTokenSource stop = new();
    private readonly List<ServerSentEvent> events = [];
    private readonly Lock gate = new();

    private EventStream(HttpClient http, HttpResponseMessage response, Stopwatch clock, Func<ServerSentEvent, Task>? onEvent)
    {
        this.http = http;
        this.response = response;
        Completion = Task.Run(() => ReadAsync(clock, onEvent));
    }

    /// <summary>Ends when the server ends the stream (or the stream is disposed); faults if reading failed.</summary>
    public Task Completion { get; }

    public IReadOnlyList<ServerSentEvent> Events
    {
        get
        {
            lock (gate)
            {
                return [.. events];
            }
        }
    }

    /// <summary>GETs <paramref name="uri"/> with the API key and starts reading once the headers are in (200, text/event-stream).</summary>
    public static async Task<EventStream> OpenAsync(Uri uri, string apiKey, Stopwatch clock, Func<ServerSentEvent, Task>? onEvent = null)
    {
        var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        http.DefaultRequestHeaders.Accept.ParseAdd("text/event-stream");
        using var headers = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, headers.Token);
        if (!response.IsSuccessStatusCode || response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            var body = await response.Content.ReadAsStringAsync();
            response.Dispose();
            http.Dispose();
            throw new HttpRequestException($"GET {uri}: {(int)response.StatusCode} {response.Content.Headers.ContentType} {body}");
        }
        return new EventStream(http, response, clock, onEvent);
    }

    private async Task ReadAsync(Stopwatch clock, Func<ServerSentEvent, Task>? onEvent)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(stop.Token);
            using var reader = new StreamReader(body, Encoding.UTF8);
            string type = "message";
            var data = new StringBuilder();
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (data.Length > 0)
                    {
                        var received = new ServerSentEvent(type, data.ToString(), clock.Elapsed);
                        lock (gate)
                        {
                            events.Add(received);
                        }
                        if (onEvent is not null)
                        {
                            await onEvent(received);
                        }
                    }
                    type = "message";
                    data.Clear();
                }
                else if (line.StartsWith("event:", StringComparison.Ordinal))
                {
                    type = line["event:".Length..].Trim();
                }
                else if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    if (data.Length > 0)
                    {
                        data.Append('\n');
                    }
                    data.Append(line["data:".Length..].TrimStart());
                }
            }
        }
        catch (Exception e) when (stop.IsCancellationRequested && e is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
        {
            // Disposed while reading.
        }
    }

    /// <summary>Waits for the first event that matches, failing with every event seen so far.</summary>
    public async Task<ServerSentEvent> WaitForAsync(string what, Func<ServerSentEvent, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (Events.FirstOrDefault(match) is { } found)
            {
                return found;
            }
            if (Completion.IsCompleted)
            {
                await Completion; // a reading error surfaces here
                throw new InvalidOperationException($"The stream ended without {what}; it held: {Describe()}");
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {timeout} for {what}; the stream held: {Describe()}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>The events' types and arrival times, for failure messages.</summary>
    public string Describe() => string.Join(", ", Events.Select(e => $"{e.Type}@{e.ReceivedAt.TotalSeconds:F1}s"));

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        response.Dispose();
        try
        {
            await Completion;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
        {
        }
        http.Dispose();
        stop.Dispose();
    }
}

using System.Net;
using System.Text;
using System.Text.Json;
using AigcMesh.Gateway.Security;

namespace AigcMesh.Gateway.Tests;

[Collection(GatewayMeshCollection.Name)]
public sealed class The_gateway(GatewayMesh mesh)
{
    [Fact]
    public async Task Refuses_an_api_request_without_a_key_with_401()
    {
        using var http = mesh.Client();
        using var response = await http.GetAsync("/api/runs");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(ApiKeyAuthenticationHandler.SchemeName, response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Refuses_an_unknown_key_with_401()
    {
        using var http = mesh.Client("not-a-configured-key");
        using var response = await http.GetAsync("/api/runs");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Refuses_a_write_with_a_read_only_key_with_403_but_lets_it_read()
    {
        using var http = mesh.Client(GatewayMesh.ReadKey);
        using var post = await http.PostAsync("/api/runs", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        using var delete = await http.DeleteAsync($"/api/runs/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);

        using var get = await http.GetAsync("/api/runs");
        Assert.NotEqual(HttpStatusCode.Unauthorized, get.StatusCode);
        Assert.NotEqual(HttpStatusCode.Forbidden, get.StatusCode);
    }

    [Fact]
    public async Task Answers_429_with_Retry_After_past_a_keys_rate_limit()
    {
        using var http = mesh.Client(GatewayMesh.LimitedKey);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < GatewayMesh.LimitedPermits + 2 && limited is null; i++)
        {
            var response = await http.GetAsync("/api/runs");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited = response;
            else response.Dispose();
        }
        Assert.NotNull(limited);
        using (limited)
        {
            Assert.Equal(GatewayMesh.LimitedPermits, statuses.Count(s => s != HttpStatusCode.TooManyRequests));
            var retryAfter = limited.Headers.RetryAfter?.Delta;
            Assert.NotNull(retryAfter);
            Assert.InRange(retryAfter.Value.TotalSeconds, 1, 10);
            Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        }

        // Another key is not affected by this one's limit.
        using var other = mesh.Client(GatewayMesh.WriteKey);
        using var fine = await other.GetAsync("/api/runs");
        Assert.NotEqual(HttpStatusCode.TooManyRequests, fine.StatusCode);
    }

    [Fact]
    public async Task Refuses_a_body_past_the_routes_limit_with_413_and_lets_uploads_be_larger()
    {
        using var http = mesh.Client(GatewayMesh.WriteKey);
        var twoMegabytes = new ByteArrayContent(new byte[2 * 1024 * 1024]);
        twoMegabytes.Headers.ContentType = new("application/json");
        using var response = await http.PostAsync("/api/runs", twoMegabytes);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);

        var upload = new ByteArrayContent(new byte[2 * 1024 * 1024]);
        upload.Headers.ContentType = new("application/octet-stream");
        using var uploaded = await http.PostAsync("/api/datasets", upload);
        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, uploaded.StatusCode);
    }

    [Fact]
    public async Task Answers_an_unknown_route_with_404_problem_details()
    {
        using var http = mesh.Client(GatewayMesh.WriteKey);
        using var response = await http.GetAsync("/api/no-such-resource/42");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Passes_a_correlation_id_through_and_makes_one_when_missing()
    {
        using var http = mesh.Client(GatewayMesh.WriteKey);
        var given = Guid.NewGuid().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/runs");
        request.Headers.Add("X-Correlation-Id", given);
        using var passed = await http.SendAsync(request);
        Assert.Equal(given, Assert.Single(passed.Headers.GetValues("X-Correlation-Id")));

        using var made = await http.GetAsync("/api/runs");
        Assert.True(Guid.TryParse(Assert.Single(made.Headers.GetValues("X-Correlation-Id")), out _));
    }

    [Theory]
    [InlineData("dataset")]
    [InlineData("trainer")]
    [InlineData("generator")]
    [InlineData("evaluator")]
    public async Task Reaches_every_service_without_a_key_for_health(string service)
    {
        using var http = mesh.Client();
        using var response = await http.GetAsync($"/services/{service}/health/ready");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{service}: {await response.Content.ReadAsStringAsync()}");
        Assert.Contains($"\"{service}-database\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Serves_prometheus_metrics()
    {
        using var http = mesh.Client();
        using var response = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("http_requests_received_total", await response.Content.ReadAsStringAsync());
    }
}

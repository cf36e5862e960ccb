using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Azure.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ReviewPortal.Tests.Features.People;

/// <summary>
/// Microsoft Graph's users delta query as an HTTP server on loopback: the tests change the tenant's users, the portal
/// reads them through the real Graph SDK. Every change bumps a version; a delta link carries the version it was issued
/// at and answers with the users changed since (a deleted user as <c>@removed</c>). Pages hold <see cref="PageSize"/>
/// users and chain with <c>@odata.nextLink</c>. It counts requests, keeps the bearer tokens it saw, and can answer 429
/// with Retry-After, or 410 for an expired delta link.
/// </summary>
public sealed class FakeGraph : IAsyncDisposable
{
    public const string Token = "graph-test-token";
    public const int PageSize = 2;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (JsonObject User, long Version, bool Removed)> _users = [];
    private long _version;
    private WebApplication? _server;

    public string BaseUrl { get; private set; } = "";
    public ConcurrentQueue<string> Requests { get; } = new();
    public ConcurrentQueue<string> Authorizations { get; } = new();
    /// <summary>The next this many requests are answered 429 with Retry-After: 1.</summary>
    public int ThrottleNext { get; set; }
    /// <summary>Delta links issued before now answer 410 (Entra's expired sync state).</summary>
    public bool ExpireDeltaLinks { get; set; }
    /// <summary>A complete round lists nobody, as a withdrawn permission or a broken proxy might answer.</summary>
    public bool AnswerEmpty { get; set; }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["AllowedHosts"] = "*";
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _server = builder.Build();
        _server.Run(HandleAsync);
        await _server.StartAsync();
        // The Graph SDK attaches tokens over plain http only for localhost.
        BaseUrl = _server.Urls.Single().Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/v1.0";
    }

    public void Upsert(string id, string displayName, string mail, string? department = null, string? jobTitle = null,
        string? managerId = null, bool accountEnabled = true)
    {
        var user = new JsonObject
        {
            ["id"] = id, ["displayName"] = displayName, ["mail"] = mail, ["userPrincipalName"] = mail,
            ["department"] = department, ["jobTitle"] = jobTitle, ["accountEnabled"] = accountEnabled,
        };
        if (managerId is not null)
        {
            user["manager@delta"] = new JsonArray(new JsonObject { ["@odata.type"] = "#microsoft.graph.user", ["id"] = managerId });
        }
        lock (_lock)
        {
            _users[id] = (user, ++_version, false);
        }
    }

    public void Remove(string id)
    {
        lock (_lock)
        {
            _users[id] = (_users[id].User, ++_version, true);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        Requests.Enqueue($"{context.Request.Path}{context.Request.QueryString}");
        Authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
        // The SDK asks for users/delta() (the function call form); the links Graph hands out say users/delta.
        if (context.Request.Path.Value is not ("/v1.0/users/delta()" or "/v1.0/users/delta"))
        {
            context.Response.StatusCode = 404;
            return;
        }
        if (context.Request.Headers.Authorization != $"Bearer {Token}")
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsJsonAsync(Error("InvalidAuthenticationToken", "Access token is empty."));
            return;
        }
        if (ThrottleNext > 0)
        {
            ThrottleNext--;
            context.Response.StatusCode = 429;
            context.Response.Headers.RetryAfter = "1";
            await context.Response.WriteAsJsonAsync(Error("TooManyRequests", "Too many requests"));
            return;
        }
        var query = context.Request.Query;
        var since = long.TryParse(query["$deltatoken"], out var token) ? token : (long?)null;
        if (since is not null && ExpireDeltaLinks)
        {
            context.Response.StatusCode = 410;
            await context.Response.WriteAsJsonAsync(Error("syncStateNotFound", "The delta token has expired."));
            return;
        }
        var skip = int.TryParse(query["$skiptoken"], out var s) ? s : 0;
        List<JsonObject> changed;
        long version;
        lock (_lock)
        {
            // Every page of a round answers as of the version its first page saw.
            version = long.TryParse(query["version"], out var v) ? v : _version;
            changed = [.. _users.Values
                .Where(u => since is null ? !u.Removed && !AnswerEmpty : u.Version > since)
                .OrderBy(u => u.User["id"]!.GetValue<string>(), StringComparer.Ordinal)
                .Select(u => u.Removed
                    ? new JsonObject { ["id"] = u.User["id"]!.GetValue<string>(), ["@removed"] = new JsonObject { ["reason"] = "deleted" } }
                    : (JsonObject)u.User.DeepClone())];
        }
        var page = new JsonObject { ["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#users(id,displayName)" };
        page["value"] = new JsonArray([.. changed.Skip(skip).Take(PageSize)]);
        var round = since is null ? "" : $"$deltatoken={since}&";
        if (skip + PageSize < changed.Count)
        {
            page["@odata.nextLink"] = $"{BaseUrl}/users/delta?{round}version={version}&$skiptoken={skip + PageSize}";
        }
        else
        {
            page["@odata.deltaLink"] = $"{BaseUrl}/users/delta?$deltatoken={version}";
        }
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(page.ToJsonString());
    }

    private static JsonObject Error(string code, string message) => new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>Stands in for the app registration's client credentials: the fake only checks the bearer token is this.</summary>
    public sealed class Credential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(Token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}

using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReviewPortal.Claude.Models;
using ReviewPortal.Claude.Resilience;

namespace ReviewPortal.Claude;

/// <summary>The Admin API (<c>/v1/organizations/*</c>): lists of users, workspaces, members and keys, and the calls that change access.</summary>
public interface IAdminClient
{
    IAsyncEnumerable<AdminUser> ListUsersAsync(string? email = null, CancellationToken ct = default);

    IAsyncEnumerable<Workspace> ListWorkspacesAsync(bool includeArchived = false, CancellationToken ct = default);

    IAsyncEnumerable<WorkspaceMember> ListWorkspaceMembersAsync(string workspaceId, CancellationToken ct = default);

    IAsyncEnumerable<ApiKey> ListApiKeysAsync(ApiKeyFilter? filter = null, CancellationToken ct = default);

    /// <summary>DELETE <c>/v1/organizations/users/{id}</c>. Console <c>admin</c> users are refused with 400.</summary>
    Task DeleteUserAsync(string userId, CancellationToken ct = default);

    /// <summary>POST <c>{"role":...}</c>; <c>admin</c> cannot be assigned.</summary>
    Task<AdminUser> UpdateUserRoleAsync(string userId, string role, CancellationToken ct = default);

    Task<WorkspaceMember> AddWorkspaceMemberAsync(string workspaceId, string userId, string workspaceRole, CancellationToken ct = default);

    Task<WorkspaceMember> UpdateWorkspaceMemberRoleAsync(string workspaceId, string userId, string workspaceRole, CancellationToken ct = default);

    Task RemoveWorkspaceMemberAsync(string workspaceId, string userId, CancellationToken ct = default);

    /// <summary>POST <c>{"status":"inactive"|"archived"|"active"}</c> to an API key.</summary>
    Task<ApiKey> UpdateApiKeyStatusAsync(string apiKeyId, string status, CancellationToken ct = default);
}

/// <summary>Typed HttpClient for the Admin API, authenticated with the Admin key.</summary>
public sealed class AdminClient : IAdminClient
{
    private readonly ClaudeHttp _http;
    private readonly int _pageSize;

    public AdminClient(HttpClient http, IOptions<ClaudeOptions> options, ClaudeRateLimitGate gate, TimeProvider time, ILogger<AdminClient> logger)
    {
        _http = new ClaudeHttp(http, options.Value.AdminKey, options.Value.MaxRetryAfter, gate, time, logger);
        _pageSize = options.Value.AdminPageSize;
    }

    public IAsyncEnumerable<AdminUser> ListUsersAsync(string? email = null, CancellationToken ct = default) =>
        ListPagesAsync<AdminUser>("/v1/organizations/users", q => q.Add("email", email), ct);

    public IAsyncEnumerable<Workspace> ListWorkspacesAsync(bool includeArchived = false, CancellationToken ct = default) =>
        ListPagesAsync<Workspace>("/v1/organizations/workspaces", q => q.Add("include_archived", includeArchived ? "true" : null), ct);

    public IAsyncEnumerable<WorkspaceMember> ListWorkspaceMembersAsync(string workspaceId, CancellationToken ct = default) =>
        ListPagesAsync<WorkspaceMember>($"/v1/organizations/workspaces/{Esc(workspaceId)}/members", _ => { }, ct);

    public IAsyncEnumerable<ApiKey> ListApiKeysAsync(ApiKeyFilter? filter = null, CancellationToken ct = default) =>
        ListPagesAsync<ApiKey>(
            "/v1/organizations/api_keys",
            q => q.Add("status", filter?.Status).Add("workspace_id", filter?.WorkspaceId).Add("created_by_user_id", filter?.CreatedByUserId),
            ct);

    public Task DeleteUserAsync(string userId, CancellationToken ct = default) =>
        _http.DeleteAsync($"/v1/organizations/users/{Esc(userId)}", ct);

    public Task<AdminUser> UpdateUserRoleAsync(string userId, string role, CancellationToken ct = default) =>
        _http.PostAsync<AdminUser>($"/v1/organizations/users/{Esc(userId)}", new { role }, ct);

    public Task<WorkspaceMember> AddWorkspaceMemberAsync(string workspaceId, string userId, string workspaceRole, CancellationToken ct = default) =>
        _http.PostAsync<WorkspaceMember>($"/v1/organizations/workspaces/{Esc(workspaceId)}/members", new { user_id = userId, workspace_role = workspaceRole }, ct);

    public Task<WorkspaceMember> UpdateWorkspaceMemberRoleAsync(string workspaceId, string userId, string workspaceRole, CancellationToken ct = default) =>
        _http.PostAsync<WorkspaceMember>($"/v1/organizations/workspaces/{Esc(workspaceId)}/members/{Esc(userId)}", new { workspace_role = workspaceRole }, ct);

    public Task RemoveWorkspaceMemberAsync(string workspaceId, string userId, CancellationToken ct = default) =>
        _http.DeleteAsync($"/v1/organizations/workspaces/{Esc(workspaceId)}/members/{Esc(userId)}", ct);

    public Task<ApiKey> UpdateApiKeyStatusAsync(string apiKeyId, string status, CancellationToken ct = default) =>
        _http.PostAsync<ApiKey>($"/v1/organizations/api_keys/{Esc(apiKeyId)}", new { status }, ct);

    private static string Esc(string value) => Uri.EscapeDataString(value);

    private async IAsyncEnumerable<T> ListPagesAsync<T>(string path, Action<QueryBuilder> addFilters, [EnumeratorCancellation] CancellationToken ct)
    {
        string? afterId = null;
        while (true)
        {
            var query = new QueryBuilder().Add("limit", _pageSize.ToString(CultureInfo.InvariantCulture));
            addFilters(query);
            query.Add("after_id", afterId);
            var (page, _) = await _http.GetAsync<CursorPage<T>>(query.AppendTo(path), ct).ConfigureAwait(false);
            foreach (var item in page.Data)
            {
                yield return item;
            }

            if (!page.HasMore || string.IsNullOrEmpty(page.LastId))
            {
                yield break;
            }

            afterId = page.LastId;
        }
    }
}

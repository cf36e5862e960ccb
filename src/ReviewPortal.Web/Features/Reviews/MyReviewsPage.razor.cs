using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Reviews;

public partial class MyReviewsPage
{
    [Inject] private ListMyReviewItems ListItems { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private GetReviewItem GetItem { get; set; } = default!;
    [Inject] private RefreshEvidence Refresh { get; set; } = default!;
    [Inject] private DecideReviewItem Decide { get; set; } = default!;
    [Inject] private BulkDecide Bulk { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IJSRuntime Js { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    private Viewer? _viewer;
    private MudDataGrid<ReviewRow>? _grid;
    private ListMyReviewItems.Query _query = new() { Decided = false };
    private ReviewQueue? _queue;
    private HashSet<ReviewRow> _selected = [];
    private string? _bulkJustification;
    private bool _confirmAccept;
    private RecommendationPreview? _preview;
    private string _previewScope = "";
    private readonly DialogOptions _dialogOptions = new() { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true };
    private bool _drawerOpen;
    private ReviewItemView? _detail;
    private ReviewItemPanel? _panel;
    private IReadOnlyList<long> _pageIds = [];
    private DotNetObjectReference<MyReviewsPage>? _self;
    private ElementReference _drawerContent;
    private IJSObjectReference? _drawerJs;
    /// <summary>The item whose heading last took focus in the open drawer (null while closed).</summary>
    private long? _focusedItem;
    private bool _drawerWasOpen;

    private string DecidedText => _query.Decided switch { true => "decided", false => "undecided", _ => "all" };

    /// <summary>
    /// An item's own address, `/reviews/{id}` (what a mail or a colleague can link to): the page opens it in the drawer,
    /// or says on the page why it cannot (another reviewer's item is refused by <see cref="GetReviewItem"/>, as always).
    /// </summary>
    [Parameter] public long? ItemId { get; set; }

    /// <summary>`/reviews?campaign=12`, where a reminder mail links: the queue narrowed to that campaign, widened with one click.</summary>
    [SupplyParameterFromQuery(Name = "campaign")] public int? CampaignId { get; set; }

    private long? _openedFromAddress;
    private Refusal? _addressRefusal;

    protected override async Task OnInitializedAsync() => _viewer = await ViewerAsync();

    protected override async Task OnParametersSetAsync()
    {
        if (CampaignId != _query.CampaignId)
        {
            await FilterAsync(_query with { CampaignId = CampaignId });
        }
        if (ItemId is not { } id || id == _openedFromAddress)
        {
            return;
        }
        _openedFromAddress = id;
        var result = await GetItem.HandleAsync(_viewer!, id, withLiveEvidence: false);
        (_detail, _addressRefusal, _drawerOpen) = (result.Value, result.Refusal, result.Ok);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _self = DotNetObjectReference.Create(this);
            await Js.InvokeVoidAsync("reviewPortal.registerShortcuts", _self);
            _drawerJs = await Js.InvokeAsync<IJSObjectReference>("import", "./js/review-drawer.js");
            await _drawerJs.InvokeVoidAsync("attach", _drawerContent, _self);
        }
        await MoveFocusAsync();
    }

    /// <summary>
    /// Focus follows the drawer: into it (the item's heading) whenever it shows another item, back to that item's row
    /// when it closes, however it closed (Escape, the close button, a click beside it, the end of the queue).
    /// </summary>
    private async Task MoveFocusAsync()
    {
        if (_drawerJs is null)
        {
            return;
        }
        if (_drawerOpen && _detail is { } shown && _focusedItem != shown.Id)
        {
            _focusedItem = shown.Id;
            await _drawerJs.InvokeVoidAsync("opened");
        }
        else if (!_drawerOpen && _drawerWasOpen)
        {
            _focusedItem = null;
            await _drawerJs.InvokeVoidAsync("closed", _detail?.Id ?? 0);
        }
        _drawerWasOpen = _drawerOpen;
    }

    /// <summary>The close button and Escape (from review-drawer.js).</summary>
    [JSInvokable]
    public void CloseDrawer()
    {
        _drawerOpen = false;
        StateHasChanged();
    }

    private async Task<GridData<ReviewRow>> LoadAsync(GridState<ReviewRow> state, CancellationToken cancellationToken)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        var query = _query with
        {
            Page = state.Page,
            PageSize = state.PageSize,
            SortBy = sort?.SortBy switch
            {
                nameof(ReviewRow.Recommendation) => "recommendation",
                nameof(ReviewRow.Entitlement) => "entitlement",
                nameof(ReviewRow.LastActiveAt) => "lastActive",
                _ => "identity",
            },
            Descending = sort?.Descending ?? false,
        };
        var result = await ListItems.HandleAsync(_viewer!, query, cancellationToken);
        if (!result.Ok)
        {
            Snackbar.Show(result.Refusal);
            return new GridData<ReviewRow> { Items = [], TotalItems = 0 };
        }
        _queue = result.Value;
        _shownAt = Time.GetUtcNow();
        _pageIds = _queue.Rows.Select(r => r.Id).ToList();
        StateHasChanged();
        return new GridData<ReviewRow> { Items = _queue.Rows, TotalItems = _queue.Filtered };
    }

    private async Task FilterAsync(ListMyReviewItems.Query query)
    {
        _query = query;
        _selected = [];
        if (_grid is not null)
        {
            await _grid.ReloadServerData();
        }
    }

    private string RowStyle(ReviewRow row, int index) => _detail?.Id == row.Id && _drawerOpen ? "background: var(--mud-palette-action-default-hover)" : "";

    private async Task OpenAsync(long itemId)
    {
        _drawerOpen = true;
        _detail = await ReadAsync(itemId);
        _drawerOpen = _detail is not null;
    }

    /// <summary>"Refresh evidence": a new snapshot is stored (and audited), and the drawer shows it beside the launch one.</summary>
    private async Task RefreshEvidenceAsync()
    {
        if (_detail is null)
        {
            return;
        }
        var refreshed = await Refresh.HandleAsync(_viewer!, _detail.Id, CorrelationId.New());
        if (Snackbar.ValueOrShow(refreshed) is not null)
        {
            _detail = await ReadAsync(_detail.Id);
        }
    }

    private async Task ReloadDetailAsync()
    {
        if (_detail is not null)
        {
            _detail = await ReadAsync(_detail.Id);
        }
    }

    /// <summary>The item's detail, or null having said why it cannot be shown.</summary>
    private async Task<ReviewItemView?> ReadAsync(long itemId)
    {
        var result = await GetItem.HandleAsync(_viewer!, itemId);
        return Snackbar.ValueOrShow(result);
    }

    private async Task<Result<int>> DecideAsync(DecideReviewItem.Command command)
    {
        var result = await Decide.HandleAsync(_viewer!, command, CorrelationId.New());
        if (result.Ok)
        {
            Snackbar.Add($"Saved: {Humanize.Outcome(command.Outcome)}", Severity.Success);
            if (_grid is not null)
            {
                await _grid.ReloadServerData();
            }
            await MoveAsync(+1, fromId: command.ItemId);
        }
        else if (result.Refusal.Kind == RefusalKind.Conflict && _detail is not null)
        {
            // Show what won, keep the reviewer's place.
            _detail = await ReadAsync(_detail.Id);
        }
        // The panel calls this through a plain delegate, not an EventCallback, so nothing re-renders the page for it: the
        // drawer would keep showing the decided item until the next click (seen on PostgreSQL, where the reload is slower).
        StateHasChanged();
        return result;
    }

    private async Task MoveAsync(int step, long? fromId = null)
    {
        var current = fromId ?? _detail?.Id;
        var index = current is null ? -1 : _pageIds.ToList().IndexOf(current.Value);
        var next = index + step;
        if (next >= 0 && next < _pageIds.Count)
        {
            await OpenAsync(_pageIds[next]);
        }
        else if (_pageIds.Count > 0 && index < 0)
        {
            await OpenAsync(_pageIds[0]);
        }
        else
        {
            _drawerOpen = false;
        }
    }

    [JSInvokable]
    public async Task OnShortcut(string key)
    {
        switch (key)
        {
            case "n": await MoveAsync(+1); break;
            case "p": await MoveAsync(-1); break;
            case "k" when _drawerOpen && _panel is not null: await _panel.DecideAsync(DecisionOutcome.Keep); break;
            case "r" when _drawerOpen && _panel is not null: await _panel.DecideAsync(DecisionOutcome.Revoke); break;
            case "d" when _drawerOpen && _panel is not null: await _panel.DecideAsync(DecisionOutcome.Reduce); break;
        }
        StateHasChanged();
    }

    /// <summary>When the rows a bulk action decides were last shown: the action's time is counted from there (reviewer quality).</summary>
    private DateTimeOffset _shownAt;

    private double SecondsOnScreen() => Math.Round((Time.GetUtcNow() - _shownAt).TotalSeconds, 1);

    private async Task BulkAsync(DecisionOutcome outcome)
    {
        // Each row goes with the version the reviewer saw: a row changed since (decided in another tab) is reported back.
        var result = await Bulk.HandleAsync(_viewer!, new BulkDecide.Command(_selected.Select(r => r.Seen).ToList(), outcome, _bulkJustification)
            { SecondsOnScreen = SecondsOnScreen() }, CorrelationId.New());
        Report(result, Humanize.Decided(outcome));
        await AfterBulkAsync();
    }

    /// <summary>
    /// Asks the handler what accepting would do, then shows it: with a selection, the selected rows only; without one,
    /// every undecided item the current filter matches (all pages), at the versions read now. The dialog's confirm applies
    /// exactly those items, so what is counted is what is decided.
    /// </summary>
    private async Task PreviewAcceptAsync()
    {
        IReadOnlyList<SeenItem> items;
        if (_selected.Count > 0)
        {
            items = _selected.Select(r => r.Seen).ToList();
            _previewScope = $"Only the {_selected.Count} selected item(s).";
        }
        else
        {
            items = await ListItems.UndecidedMatchingAsync(_viewer!, _query);
            _previewScope = $"Nothing is selected, so this covers all {items.Count} undecided item(s) {FilterWords(_query, _queue?.CampaignName)}.";
        }
        var preview = await Bulk.PreviewRecommendationsAsync(_viewer!, items);
        if (!preview.Ok)
        {
            Snackbar.Show(preview.Refusal);
            return;
        }
        _preview = preview.Value;
        _confirmAccept = true;
    }

    private async Task AcceptRecommendationsAsync()
    {
        _confirmAccept = false;
        if (_preview is not { } preview)
        {
            return;
        }
        _preview = null;
        var result = await Bulk.AcceptRecommendationsAsync(_viewer!, preview.Items, CorrelationId.New(), secondsOnScreen: SecondsOnScreen());
        Report(result, "accepted");
        await AfterBulkAsync();
    }

    /// <summary>Any bulk action ends with nothing selected: a selection kept over changed rows would be acted on again by mistake.</summary>
    private async Task AfterBulkAsync()
    {
        _selected = [];
        if (_grid is not null)
        {
            await _grid.ReloadServerData();
        }
    }

    /// <summary>The current filter in words, for example "matching the filter: recommendation Revoke, search “sam”".</summary>
    internal static string FilterWords(ListMyReviewItems.Query query, string? campaignName)
    {
        var parts = new List<string>();
        if (campaignName is not null) parts.Add($"campaign “{campaignName}”");
        if (query.Recommendation is { } r) parts.Add($"recommendation {RecommendationChip.Text(r)}");
        if (query.EntitlementKind is { } k) parts.Add($"entitlement kind {Humanize.GrantKind(k).ToLowerInvariant()}");
        if (query.IdentityKind is { } i) parts.Add($"identity kind {Humanize.Kind(i)}");
        if (query.PrivilegedOnly) parts.Add("privileged only");
        if (!string.IsNullOrWhiteSpace(query.Search)) parts.Add($"search “{query.Search.Trim()}”");
        return parts.Count == 0 ? "in your queue (no filter)" : $"matching the filter: {string.Join(", ", parts)}";
    }

    private void Report(Result<BulkResult> result, string verb)
    {
        if (!result.Ok)
        {
            Snackbar.Show(result.Refusal);
            return;
        }
        var report = result.Value;
        Snackbar.Add(Summary(report, verb), report.Saved > 0 && report.ChangedMeanwhile.Count == 0 ? Severity.Success : Severity.Warning);
        foreach (var problem in report.Problems)
        {
            Snackbar.Add(problem, Severity.Warning);
        }
    }

    /// <summary>For example "12 item(s) kept, 1 changed meanwhile: reload to see it", or "3 item(s) accepted: 1 keep, 2 revoke".</summary>
    internal static string Summary(BulkResult report, string verb) =>
        $"{report.Saved} item(s) {verb}"
        + (verb == "accepted" && report.Decided is { Count: > 0 } decided ? $": {Humanize.OutcomeCounts(decided)}" : "")
        + (report.Skipped > 0 ? $", {report.Skipped} skipped" : "")
        + (report.ChangedMeanwhile.Count > 0 ? $", {report.ChangedMeanwhile.Count} changed meanwhile: reload to see it" : "");

    public async ValueTask DisposeAsync()
    {
        if (_self is null)
        {
            // Prerendered only (OnAfterRenderAsync never ran): nothing was registered, and JS interop is not available.
            return;
        }
        try
        {
            await Js.InvokeVoidAsync("reviewPortal.unregisterShortcuts");
            if (_drawerJs is not null)
            {
                await _drawerJs.InvokeVoidAsync("detach");
                await _drawerJs.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone; nothing to unregister.
        }
        _self?.Dispose();
    }
}

using FluentValidation;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Identities;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Campaigns;

public partial class NewCampaignPage
{
    [Inject] private GetCampaignOptions GetOptions { get; set; } = default!;
    [Inject] private PreviewCampaign Preview { get; set; } = default!;
    [Inject] private LaunchCampaign Launch { get; set; } = default!;
    [Inject] private SearchPeople SearchPeople { get; set; } = default!;
    [Inject] private IValidator<CampaignDefinition> Validator { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;

    private Viewer? _viewer;
    private CampaignOptions? _options;
    private MudForm? _form;
    private CampaignDefinition _definition = new();
    private DateTime? _due;
    private PersonOption? _fallback;
    private readonly List<PersonOption> _named = [];
    private Result<CampaignPreview>? _preview;
    private bool _busy, _previewTried;

    protected override async Task OnInitializedAsync()
    {
        _viewer = await ViewerAsync();
        var options = await GetOptions.HandleAsync(_viewer);
        _options = Snackbar.ValueOrShow(options);
        var now = Time.GetUtcNow();
        _due = now.UtcDateTime.Date.AddDays(21);
        _definition = new CampaignDefinition
        {
            Name = $"Claude access review {now:MMMM yyyy}",
            EntitlementKinds = [.. Enum.GetValues<Domain.EntitlementKind>()],
            IdentityKinds = [.. Enum.GetValues<Domain.IdentityKind>()],
            DueAt = new DateTimeOffset(_due.Value, TimeSpan.Zero),
            FallbackReviewerId = _options?.DefaultFallbackReviewer?.Id,
            // New campaigns close themselves at due; applying the removals unattended is the admin's explicit choice.
            AutoClose = true,
        };
        _fallback = _options?.DefaultFallbackReviewer;
    }

    private void SetDue(DateTime? date)
    {
        _due = date;
        _definition.DueAt = date is { } d ? new DateTimeOffset(DateTime.SpecifyKind(d.Date.AddHours(17), DateTimeKind.Utc)) : default;
        _preview = null;
    }

    private async Task<IEnumerable<PersonOption>> SearchAsync(string? term, CancellationToken cancellationToken)
    {
        var people = await SearchPeople.HandleAsync(_viewer!, term, cancellationToken);
        return Snackbar.ValueOrShow(people) ?? [];
    }

    private void AddNamed(PersonOption? person)
    {
        if (person is not null && _named.All(p => p.Id != person.Id))
        {
            _named.Add(person);
            _definition.NamedReviewerIds = _named.Select(p => p.Id).ToList();
        }
    }

    private async Task PreviewAsync()
    {
        _previewTried = true;
        await _form!.ValidateAsync();
        _busy = true;
        _preview = await Preview.HandleAsync(_viewer!, _definition);
        _busy = false;
    }

    private async Task LaunchAsync()
    {
        _busy = true;
        var result = await Launch.HandleAsync(_viewer!, _definition, CorrelationId.New());
        _busy = false;
        Snackbar.Show(result, launched => $"Launched with {launched.Items:N0} items.");
        if (result.Ok)
        {
            Navigation.NavigateTo($"/campaigns/{result.Value.CampaignId}");
        }
    }
}

using System;
using System.Management.Automation;
using Microsoft.Graph.Entra.Rs.Errors;
using Microsoft.Graph.Entra.Rs.Native;
using Microsoft.Graph.Entra.Rs.Graph;
using Microsoft.Graph.Entra.Rs.Tracing;
using Microsoft.Graph.Entra.Rs.Users;

namespace Microsoft.Graph.Entra.Rs.Cmdlets;

/// <summary>
/// Get-EntraUser: one user by id or UPN, or a listing by -Filter / -SearchString, so that
/// <c>Get-EntraUser … | Revoke-EntraUserAllRefreshToken</c> works with this module alone.
/// With -All, each page is written to the pipeline as soon as it arrives.
/// </summary>
[Cmdlet(VerbsCommon.Get, "EntraUser", DefaultParameterSetName = QuerySet)]
[OutputType(typeof(PSObject))]
public sealed class GetEntraUserCommand : NativeCmdlet
{
    private const string QuerySet = "GetQuery";
    private const string ByIdSet = "GetById";
    private const string SearchSet = "GetVague";

    /// <summary>The user's object id (GUID) or userPrincipalName.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByIdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ObjectId", "UPN", "Identity", "UserPrincipalName")]
    [UserIdTransformation]
    [ValidateNotNullOrEmpty]
    public string UserId { get; set; } = null!;

    /// <summary>An OData filter, e.g. "startswith(userPrincipalName,'adm')".</summary>
    [Parameter(ParameterSetName = QuerySet)]
    [ValidateNotNullOrEmpty]
    public string? Filter { get; set; }

    /// <summary>Users whose display name or userPrincipalName starts with this text.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SearchSet)]
    [ValidateNotNullOrEmpty]
    public string SearchString { get; set; } = null!;

    /// <summary>At most this many users (one page of 100 when neither -Top nor -All is given).</summary>
    [Parameter(ParameterSetName = QuerySet)]
    [Parameter(ParameterSetName = SearchSet)]
    [Alias("Limit")]
    [ValidateRange(1, int.MaxValue)]
    public int? Top { get; set; }

    /// <summary>Every matching user, following Graph's paging to the end.</summary>
    [Parameter(ParameterSetName = QuerySet)]
    [Parameter(ParameterSetName = SearchSet)]
    public SwitchParameter All { get; set; }

    /// <summary>Properties to read ($select), e.g. signInSessionsValidFromDateTime.</summary>
    [Parameter]
    [Alias("Select")]
    [PSDefaultValue(Help = NativeContract.DefaultUserPropertiesText)]
    [ArgumentCompleter(typeof(UserPropertyCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Property { get; set; }

    /// <summary>Retries per page after throttling or transient failures.</summary>
    [Parameter]
    [ValidateRange(NativeContract.MinMaxRetry, NativeContract.MaxMaxRetry)]
    public int MaxRetry { get; set; } = NativeContract.DefaultMaxRetry;

    protected override void ProcessRecord()
    {
        string target = ParameterSetName == ByIdSet ? UserId : Filter ?? SearchString ?? "users";
        string query = NativeJson.Write(new UserQueryRecord
        {
            UserId = ParameterSetName == ByIdSet ? UserId : null,
            Filter = Filter,
            Search = ParameterSetName == SearchSet ? SearchString : null,
            Top = Top,
            All = All.IsPresent,
            Properties = Property ?? Array.Empty<string>(),
            UserAgent = UserAgent.For(this),
            MaxRetry = MaxRetry,
            Trace = RequestTraceWriter.LevelFor(this),
        });
        UserQueryHandle handle = StartWithSession(session => UserQueryHandle.Start(session, query.Utf8()));
        Track(handle, handle.Cancel);
        try
        {
            WritePages(handle, target);
        }
        finally
        {
            ReleaseTracked();
        }
    }

    private void WritePages(UserQueryHandle handle, string target)
    {
        while (true)
        {
            UserPage page = NativeJson.Page(handle.NextPage().IntoString());
            RequestTraceWriter.Write(this, handle.TakeTrace().IntoString());
            foreach (var user in page.Users)
            {
                WriteObject(UserObjectFactory.Create(user));
            }

            if (page.Failure is { } failure)
            {
                WriteError(GraphErrorRecords.Create(failure, $"Getting user '{target}' failed", target));
            }

            if (page.Done)
            {
                return;
            }
        }
    }
}

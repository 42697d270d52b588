using System.Collections.Generic;
using System.Text.Json;
using Microsoft.Graph.Entra.Rs.Native;
using Microsoft.Graph.Entra.Rs.Revocation;

namespace Microsoft.Graph.Entra.Rs.Users;

/// <summary>One page of users as the native pager reports it (see rust/ffi/src/dto.rs).</summary>
internal sealed class UserPage
{
    public List<Dictionary<string, JsonElement>> Users { get; set; } = new();
    public bool Done { get; set; }
    public FailureRecord? Failure { get; set; }

    public static UserPage Parse(string json) => JsonSerializer.Deserialize<UserPage>(json, NativeJson.Options) ?? new UserPage { Done = true };
}

# Peer: a sequential Invoke-RestMethod loop, one POST per user, no retry of its own: what a
# script cmdlet such as Microsoft.Entra's Revoke-EntraUserAllRefreshToken amounts to per user.
. (Join-Path $PSScriptRoot 'Common.ps1')

function Initialize-Peer([string] $Url, [string] $Token, [string] $Variant, [string] $Manifest) {
    @{ Base = "$Url/v1.0"; Headers = @{ Authorization = "Bearer $Token" }; Info = @{} }
}

function Invoke-PeerRevoke([hashtable] $Context, [string[]] $Ids, [psobject] $Run) {
    foreach ($id in $Ids) {
        try {
            Invoke-RestMethod -Method Post -Uri "$($Context.Base)/users/$id/revokeSignInSessions" -Headers $Context.Headers | Out-Null
            Add-PeerSuccess $Run
        }
        catch { Add-PeerError $Run (Get-HttpFailureText $_) }
    }
}

# Peer: PowerShell 7's own parallelism, ForEach-Object -Parallel -ThrottleLimit 32 around
# Invoke-RestMethod (one runspace per user, no retry of its own).
. (Join-Path $PSScriptRoot 'Common.ps1')

function Initialize-Peer([string] $Url, [string] $Token, [string] $Variant, [string] $Manifest) {
    @{ Base = "$Url/v1.0"; Headers = @{ Authorization = "Bearer $Token" }; Info = @{} }
}

function Invoke-PeerRevoke([hashtable] $Context, [string[]] $Ids, [psobject] $Run) {
    $base = $Context.Base
    $headers = $Context.Headers
    $Ids | ForEach-Object -ThrottleLimit 32 -Parallel {
        try {
            Invoke-RestMethod -Method Post -Uri "$($using:base)/users/$_/revokeSignInSessions" -Headers $using:headers | Out-Null
            $true
        }
        catch {
            $response = $_.Exception.PSObject.Properties['Response']?.Value
            ($response -and $response.StatusCode) ? "HTTP $([int]$response.StatusCode)" : $_.Exception.Message
        }
    } | ForEach-Object { if ($_ -is [bool]) { Add-PeerSuccess $Run } else { Add-PeerError $Run $_ } }
}

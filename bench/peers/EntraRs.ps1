# Peer: this module, Revoke-EntraUserAllRefreshToken. Variant: '' (defaults), 'ThrottleLimit32'
# or 'UseBatch'. Each run makes a new connection (Connect-Entra -AccessToken), so what a run's
# session learnt of the previous run's limits (its throttle gate's pace) does not carry over.
. (Join-Path $PSScriptRoot 'Common.ps1')

function Initialize-Peer([string] $Url, [string] $Token, [string] $Variant, [string] $Manifest) {
    Import-Module $Manifest -ErrorAction Stop
    Add-EntraEnvironment -Name BenchPeer -GraphEndpoint $Url -AzureADEndpoint $Url | Out-Null
    $parameters = switch ($Variant) {
        '' { @{} }
        'ThrottleLimit32' { @{ ThrottleLimit = 32 } }
        'UseBatch' { @{ UseBatch = $true } }
        default { throw "Unknown EntraRs variant '$Variant'." }
    }
    $default = [Microsoft.Graph.Entra.Rs.Cmdlets.RevokeEntraUserAllRefreshTokenCommand]::new().ThrottleLimit
    @{
        Token      = ConvertTo-SecureString $Token -AsPlainText -Force
        Parameters = $parameters
        Info       = @{ defaultThrottleLimit = $default; version = "$((Get-Module Microsoft.Graph.Entra.Rs).Version)" }
    }
}

function Invoke-PeerRevoke([hashtable] $Context, [string[]] $Ids, [psobject] $Run) {
    $Run.Clock.Stop()   # connecting is not part of the timed revocation
    Connect-Entra -Environment BenchPeer -AccessToken $Context.Token -NoWelcome
    $Run.Clock.Start()
    $parameters = $Context.Parameters
    $errors = $null
    if ($null -ne $Run.Times) {
        $Ids | Revoke-EntraUserAllRefreshToken @parameters -ErrorAction SilentlyContinue -ErrorVariable errors |
            ForEach-Object { $Run.Times.Add($Run.Clock.Elapsed.TotalSeconds) }
        $Run.Ok = $Run.Times.Count
    }
    else {
        $Run.Ok = ($Ids | Revoke-EntraUserAllRefreshToken @parameters -ErrorAction SilentlyContinue -ErrorVariable errors | Measure-Object).Count
    }
    foreach ($e in @($errors)) { Add-PeerError $Run "$($e.CategoryInfo.Category): $($e.Exception.Message)" }
}

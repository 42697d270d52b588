# Peer: the approach of Microsoft.Entra's published batch sample: users in JSON batches of 20
# (POST /v1.0/$batch), one batch after the other; the items of a batch answered 429 are sent
# again in a new batch after a fixed 5 s sleep, whatever their Retry-After says. The sample
# sets no bound; here at most 5 such retries per batch, after which its items count as failed.
. (Join-Path $PSScriptRoot 'Common.ps1')

function Initialize-Peer([string] $Url, [string] $Token, [string] $Variant, [string] $Manifest) {
    @{ Base = "$Url/v1.0"; Headers = @{ Authorization = "Bearer $Token" }; SleepSeconds = 5; MaxRetries = 5; Info = @{} }
}

function Invoke-PeerRevoke([hashtable] $Context, [string[]] $Ids, [psobject] $Run) {
    for ($start = 0; $start -lt $Ids.Length; $start += 20) {
        $pending = @($Ids[$start..([math]::Min($start + 19, $Ids.Length - 1))])
        for ($attempt = 0; $pending.Count -gt 0; $attempt++) {
            if ($attempt -gt $Context.MaxRetries) {
                Add-PeerError $Run "still throttled after $($Context.MaxRetries) retries" $pending.Count
                break
            }
            if ($attempt -gt 0) { Start-Sleep -Seconds $Context.SleepSeconds }
            $requests = for ($i = 0; $i -lt $pending.Count; $i++) {
                @{ id = "$i"; method = 'POST'; url = "/users/$($pending[$i])/revokeSignInSessions" }
            }
            $body = @{ requests = @($requests) } | ConvertTo-Json -Depth 4 -Compress
            try {
                $answer = Invoke-RestMethod -Method Post -Uri "$($Context.Base)/`$batch" -Headers $Context.Headers -Body $body -ContentType 'application/json'
            }
            catch {
                Add-PeerError $Run "batch: $(Get-HttpFailureText $_)" $pending.Count
                break
            }
            $throttled = foreach ($response in $answer.responses) {
                $status = [int]$response.status
                if ($status -ge 200 -and $status -lt 300) { Add-PeerSuccess $Run }
                elseif ($status -eq 429) { $pending[[int]$response.id] }
                else { Add-PeerError $Run "item: HTTP $status" }
            }
            $pending = @($throttled)
        }
    }
}

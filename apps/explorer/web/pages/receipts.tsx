/** `#/receipts`: the receipt NFTs as a gallery of their images. */
import { getRoute } from "../api";
import { Hex } from "../components/hex";
import { Load } from "../components/status";
import { useData } from "../use-data";

export function ReceiptsPage() {
  const loaded = useData("/api/receipts", () => getRoute("/api/receipts"));
  return (
    <>
      <h1 tabIndex={-1}>Receipts</h1>
      <Load loaded={loaded} testid="receipts">
        {(receipts) =>
          receipts.length === 0 ? (
            <p class="empty">No receipt has been minted yet: a job gets one when it is finalized.</p>
          ) : (
            <div class="gallery">
              {receipts.map((receipt) => (
                <figure key={receipt.jobId} class="receipt">
                  <img src={receipt.image} alt={`Receipt of job ${receipt.jobId}`} loading="lazy" />
                  <figcaption>
                    {receipt.name !== "" && <strong class="receipt-name">{receipt.name}</strong>}
                    <a href={`#/jobs/${receipt.jobId}`}>Job #{receipt.jobId}</a>, owned by <Hex value={receipt.owner} />
                  </figcaption>
                </figure>
              ))}
            </div>
          )
        }
      </Load>
    </>
  );
}

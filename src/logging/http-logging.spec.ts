import { redactTrackingCodes } from './http-logging.js';

describe('redactTrackingCodes', () => {
  const code = 'fKPN7ElaGrMGtw9CBDOZasOvf-bU0RErad7rHhInEwM';

  it("masks an offer's tracking code in the API's and the web page's paths, and in a full address", () => {
    expect(redactTrackingCodes(`/public/offers/${code}`)).toBe('/public/offers/[REDACTED]');
    expect(redactTrackingCodes(`/public/offers/${code}/reply?x=1`)).toBe('/public/offers/[REDACTED]/reply?x=1');
    expect(redactTrackingCodes(`/offers/${code}`)).toBe('/offers/[REDACTED]');
    expect(redactTrackingCodes(`https://kerjasama.jambikota.go.id/offers/${code}#top`)).toBe('https://kerjasama.jambikota.go.id/offers/[REDACTED]#top');
  });

  it('leaves every other path as it is', () => {
    for (const path of ['/public/offers', '/offer', '/api/cases/0b7e8d59', '/public/agreements?q=offers']) expect(redactTrackingCodes(path)).toBe(path);
  });
});

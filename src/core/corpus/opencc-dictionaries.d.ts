// opencc-js exports its dictionaries as modules (`opencc-js/dict/<name>`) without types:
// each is one string of `source target|source target|…` entries.
declare module 'opencc-js/dict/*' {
  const dictionary: string;
  export default dictionary;
}

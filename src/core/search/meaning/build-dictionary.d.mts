export declare const DICTIONARY_FILE_NAME: string;
export declare const DICTIONARY_FORMAT: number;
export declare function dictionarySource(): string;
export declare function isDictionaryCurrent(file: string): boolean;
export declare function glossesOf(definitions: string | string[]): string[];
export declare function buildDictionary(file: string): Promise<void>;
